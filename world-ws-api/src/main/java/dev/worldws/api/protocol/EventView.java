package dev.worldws.api.protocol;

/** The {@code event} of an {@code event_stream} message. */
public sealed interface EventView permits MessageView, ActivityView, NoticeView {
    /** The event's type within its channel: {@code message}, {@code response-start}, {@code idle}, {@code notice}. */
    String type();

    /** The chat the event belongs to. */
    String chatId();
}
