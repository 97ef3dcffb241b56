package dev.worldws.api.spi;

import dev.worldws.api.WorldKey;
import dev.worldws.api.event.WorldEvent;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * Carries world events from the runtime that produced them to every subscriber of the world's topic, on this
 * server and (for distributed implementations) on every other server sharing the bus.
 *
 * <p><b>Sequencing:</b> {@link #publish} assigns each event the next sequence number of its topic (1, 2, 3, ...
 * within one {@linkplain StreamPosition#epoch() epoch}). Sequence numbers are gap-free and totally ordered per
 * topic, also when several servers publish to the same topic.
 *
 * <p><b>Ordering and threading:</b> a subscriber receives its topic's events in sequence order, one at a time
 * (never concurrently with itself). Subscribers are called on a bus thread or the publishing thread and must not
 * block. A subscriber that throws is logged and skipped for that event; other subscribers and later events are
 * unaffected.
 *
 * <p><b>History:</b> each topic keeps a bounded recent history so that a client that reconnects can be sent
 * exactly what it missed ({@link #eventsSince}). When the history no longer covers the client's position the bus
 * says so rather than returning a gap.
 *
 * <p>Implementations are thread-safe. Every implementation passes {@code dev.worldws.testkit.EventBusContract}.
 */
public interface EventBus extends AutoCloseable {

    /**
     * Sequences and delivers an event. Never blocks on subscribers.
     *
     * @param event an event with {@code seq == 0}
     * @return the event as sequenced, completed once it is ordered on its topic (subscribers may not have run yet)
     * @throws IllegalArgumentException if {@code event.seq() != 0}
     */
    CompletionStage<WorldEvent> publish(WorldEvent event);

    /**
     * Subscribes to one world's topic. Events published after this call returns are delivered if they pass
     * {@code filter}; events published before it are not (use {@link #eventsSince} for those).
     *
     * @return a handle whose {@link Subscription#close()} stops delivery; after close returns, no further event
     *         reaches {@code subscriber}
     */
    Subscription subscribe(WorldKey topic, Predicate<? super WorldEvent> filter, EventSubscriber subscriber);

    /** The position of the newest event on the topic ({@code seq} 0 if there is none yet). */
    StreamPosition position(WorldKey topic);

    /**
     * The events of {@code topic} after {@code position}, in order.
     *
     * @return the missed events (possibly none), or empty if they can no longer be given exactly: the epoch
     *         differs, the position lies ahead of the topic, or the history was trimmed past it
     */
    Optional<List<WorldEvent>> eventsSince(WorldKey topic, StreamPosition position);

    /** Drops the topic's history and sequence; later publishes start a new epoch. For deleted worlds. */
    void forget(WorldKey topic);

    /** Subscriptions currently open through this bus instance (this server's only). */
    int activeSubscriptions();

    /** Stops delivery and releases resources; idempotent. */
    @Override
    void close();
}
