package dev.worldws.api.event;

import dev.worldws.api.WorldKey;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * One step of an agent's streamed reply. A reply is {@code START}, any number of {@code CHUNK}s, then exactly one
 * of {@code END} (content = the whole reply) or {@code ERROR} (content = what went wrong).
 *
 * @param agentId the replying agent's id
 * @param messageId the id of the reply message being streamed
 * @param replyToMessageId the message being answered
 */
public record StreamEvent(WorldKey world, String chatId, long seq, Instant timestamp, String agentId,
        String messageId, String replyToMessageId, Kind kind, String content) implements WorldEvent {

    /** The step of a streamed reply. */
    public enum Kind {
        START, CHUNK, END, ERROR;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public StreamEvent {
        Objects.requireNonNull(world, "world");
        Objects.requireNonNull(chatId, "chatId");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(kind, "kind");
        content = content == null ? "" : content;
    }

    @Override
    public Channel channel() {
        return Channel.STREAM;
    }

    @Override
    public String type() {
        return kind.wireName();
    }

    @Override
    public StreamEvent withSeq(long newSeq) {
        return new StreamEvent(world, chatId, newSeq, timestamp, agentId, messageId, replyToMessageId, kind, content);
    }
}
