package dev.worldws.core.bus;

import dev.worldws.api.spi.EventBus;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/** Factories for {@link EventBus} implementations that live in this process. */
public final class EventBuses {
    /**
     * Events kept per topic for replay, by default: about seven chat turns of the sample template (one message
     * with its replies streamed is some 37 events). Each kept event costs heap until it leaves the history, so the
     * history of every busy world is most of a server's live heap: with 1,000 each, 1,000 chatting users kept
     * about 250 MB alive and G1's pauses grew to 20-50 ms; a resume older than the history falls back to a full
     * {@code world_selected} anyway. The in-process bus keeps its history packed into byte chunks (about 100 bytes
     * per event of the sample template), which the collector does not scan, and passes the chunks that trimming
     * frees on to the next history that grows (up to 4 MiB of free chunks are kept per bus).
     */
    public static final int DEFAULT_HISTORY_SIZE = 256;
    /** How long an event stays replayable, by default. */
    public static final Duration DEFAULT_HISTORY_TTL = Duration.ofMinutes(2);

    private EventBuses() {}

    /** An in-process bus with the system UTC clock and the default history (256 events, 2 minutes). */
    public static EventBus inProcess() {
        return inProcess(Clock.systemUTC(), DEFAULT_HISTORY_SIZE, DEFAULT_HISTORY_TTL);
    }

    /**
     * An in-process bus: one server, no network. Each topic numbers its events 1, 2, 3, ... within a random epoch,
     * keeps the newest {@code historySize} events that are younger than {@code historyTtl} for
     * {@link EventBus#eventsSince}, and delivers every event synchronously to the topic's subscribers, in sequence
     * order, on the thread that publishes (or, while that thread is already delivering on the topic, after the
     * event it is delivering). A topic with no subscribers and no unexpired history is released, so memory does
     * not grow with worlds that come and go; its next event starts a new epoch.
     *
     * @param clock the clock that ages the history
     * @param historySize events kept per topic, at least 0
     * @param historyTtl how long an event stays replayable, positive
     */
    public static EventBus inProcess(Clock clock, int historySize, Duration historyTtl) {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(historyTtl, "historyTtl");
        if (historySize < 0) {
            throw new IllegalArgumentException("historySize must not be negative (was " + historySize + ")");
        }
        if (historyTtl.isNegative() || historyTtl.isZero()) {
            throw new IllegalArgumentException("historyTtl must be positive (was " + historyTtl + ")");
        }
        return new InProcessEventBus(clock, historySize, historyTtl);
    }
}
