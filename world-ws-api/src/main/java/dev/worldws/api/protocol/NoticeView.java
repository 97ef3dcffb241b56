package dev.worldws.api.protocol;

/** A system notice in an {@code event_stream} of type {@code system}. */
public record NoticeView(String type, String chatId, String messageId, String content) implements EventView {
}
