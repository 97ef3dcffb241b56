package dev.worldws.api.event;

import dev.worldws.api.WorldKey;
import java.time.Instant;
import java.util.Objects;

/** A notice from the system to the world's clients, for example that an agent reached its turn limit. */
public record SystemEvent(WorldKey world, String chatId, long seq, Instant timestamp, String messageId,
        String content) implements WorldEvent {
    public SystemEvent {
        Objects.requireNonNull(world, "world");
        Objects.requireNonNull(chatId, "chatId");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(content, "content");
    }

    @Override
    public Channel channel() {
        return Channel.SYSTEM;
    }

    @Override
    public String type() {
        return "notice";
    }

    @Override
    public SystemEvent withSeq(long newSeq) {
        return new SystemEvent(world, chatId, newSeq, timestamp, messageId, content);
    }
}
