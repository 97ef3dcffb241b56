package dev.worldws.api.protocol;

import java.time.Instant;

/**
 * A chat message in an {@code event_stream} of type {@code message}.
 *
 * @param senderType {@code human}, {@code agent}, {@code world} or {@code system}
 */
public record MessageView(String type, String chatId, String messageId, String sender, String senderType,
        String content, String replyToMessageId, Instant createdAt) implements EventView {
}
