package dev.worldws.api.event;

import dev.worldws.api.WorldKey;
import java.time.Instant;

/**
 * Something that happened in one user's world. Every event carries its world, a chat id, a per-world sequence
 * number and a timestamp.
 *
 * <p>Events are created by the world's runtime with {@code seq == 0} ("not yet sequenced");
 * {@link dev.worldws.api.spi.EventBus#publish} assigns the next sequence number of the world's topic, so the
 * sequence is gap-free and ordered per world even when several servers publish to the same world.
 */
public sealed interface WorldEvent
        permits MessageEvent, StreamEvent, ActivityEvent, AgentUpdatedEvent, WorldReloadedEvent, SystemEvent {

    /** The world this event belongs to; also its topic on the bus. */
    WorldKey world();

    /** The chat this event belongs to; world-level events carry the world's current chat. */
    String chatId();

    /** The per-world sequence number, starting at 1; 0 before the bus has sequenced the event. */
    long seq();

    /** When the event happened, from the runtime's injected clock. */
    Instant timestamp();

    /** The channel this event travels on. */
    Channel channel();

    /** The wire name of this event's type within its channel, for example {@code chunk} or {@code agent-updated}. */
    String type();

    /** A copy carrying {@code newSeq}; used by event bus implementations only. */
    WorldEvent withSeq(long newSeq);
}
