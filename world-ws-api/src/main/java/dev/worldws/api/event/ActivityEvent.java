package dev.worldws.api.event;

import dev.worldws.api.WorldKey;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * World activity: a turn started or ended; {@code IDLE} marks the end of a whole exchange.
 *
 * @param pendingOperations agent replies still running after this event
 * @param activeAgents ids of the agents replying right now
 */
public record ActivityEvent(WorldKey world, String chatId, long seq, Instant timestamp, Kind kind,
        int pendingOperations, List<String> activeAgents) implements WorldEvent {

    /** What happened. */
    public enum Kind {
        RESPONSE_START, RESPONSE_END, IDLE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public ActivityEvent {
        Objects.requireNonNull(world, "world");
        Objects.requireNonNull(chatId, "chatId");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(kind, "kind");
        activeAgents = List.copyOf(activeAgents);
    }

    @Override
    public Channel channel() {
        return Channel.WORLD;
    }

    @Override
    public String type() {
        return kind.wireName();
    }

    @Override
    public ActivityEvent withSeq(long newSeq) {
        return new ActivityEvent(world, chatId, newSeq, timestamp, kind, pendingOperations, activeAgents);
    }
}
