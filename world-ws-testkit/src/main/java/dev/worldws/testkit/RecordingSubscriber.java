package dev.worldws.testkit;

import dev.worldws.api.event.WorldEvent;
import dev.worldws.api.spi.EventSubscriber;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An {@link EventSubscriber} that records what it receives, for tests to take in order with a timeout.
 * It also notices if the bus ever calls it concurrently with itself, which the EventBus contract forbids.
 */
public final class RecordingSubscriber implements EventSubscriber {
    /** How long {@link #next()} waits before failing. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final BlockingQueue<WorldEvent> received = new LinkedBlockingQueue<>();
    private final AtomicInteger inside = new AtomicInteger();
    private final AtomicInteger overlaps = new AtomicInteger();
    private final Consumer<WorldEvent> reaction;

    public RecordingSubscriber() {
        this(event -> { });
    }

    /** A recorder that also runs {@code reaction} for each event, after recording it (for re-entrant tests). */
    public RecordingSubscriber(Consumer<WorldEvent> reaction) {
        this.reaction = reaction;
    }

    @Override
    public void onEvent(WorldEvent event) {
        if (inside.incrementAndGet() > 1) {
            overlaps.incrementAndGet();
        }
        try {
            received.add(event);
            reaction.accept(event);
        } finally {
            inside.decrementAndGet();
        }
    }

    /** The next event, waiting up to {@link #DEFAULT_TIMEOUT}. */
    public WorldEvent next() {
        return next(DEFAULT_TIMEOUT);
    }

    /**
     * The next event, waiting up to {@code timeout}.
     *
     * @throws AssertionError if none arrives in time
     */
    public WorldEvent next(Duration timeout) {
        try {
            WorldEvent event = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (event == null) {
                throw new AssertionError("timed out after " + timeout + " waiting for an event");
            }
            return event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for an event", e);
        }
    }

    /** The next {@code count} events, each waited for up to {@link #DEFAULT_TIMEOUT}. */
    public List<WorldEvent> next(int count) {
        List<WorldEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(next());
        }
        return events;
    }

    /** Takes whatever has been received and not yet taken, without waiting. */
    public List<WorldEvent> drain() {
        List<WorldEvent> events = new ArrayList<>();
        received.drainTo(events);
        return events;
    }

    /** Whether every event received so far has been taken. */
    public boolean isEmpty() {
        return received.isEmpty();
    }

    /**
     * @throws AssertionError if the subscriber was ever called while a previous call was still running
     */
    public void assertNeverCalledConcurrently() {
        if (overlaps.get() > 0) {
            throw new AssertionError("subscriber was called concurrently with itself " + overlaps.get() + " times");
        }
    }
}
