package dev.worldws.api.event;

import dev.worldws.api.WorldKey;
import java.time.Instant;
import java.util.Objects;

/**
 * A complete chat message.
 *
 * @param sender {@code human} (or another human name), an agent id, {@code world} or {@code system}
 * @param senderType how the sender is classified by the reply rules
 * @param replyToMessageId the message this one answers, or {@code null}
 * @param origin the id of the server node that accepted or produced this message; that node owns the replies to it
 */
public record MessageEvent(WorldKey world, String chatId, long seq, Instant timestamp, String messageId,
        String sender, SenderType senderType, String content, String replyToMessageId, String origin)
        implements WorldEvent {
    public MessageEvent {
        Objects.requireNonNull(world, "world");
        Objects.requireNonNull(chatId, "chatId");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(senderType, "senderType");
        Objects.requireNonNull(content, "content");
    }

    @Override
    public Channel channel() {
        return Channel.MESSAGE;
    }

    @Override
    public String type() {
        return "message";
    }

    @Override
    public MessageEvent withSeq(long newSeq) {
        return new MessageEvent(world, chatId, newSeq, timestamp, messageId, sender, senderType, content,
                replyToMessageId, origin);
    }
}
