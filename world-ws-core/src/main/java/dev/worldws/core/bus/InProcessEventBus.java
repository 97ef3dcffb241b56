package dev.worldws.core.bus;

import dev.worldws.api.WorldKey;
import dev.worldws.api.event.WorldEvent;
import dev.worldws.api.spi.EventBus;
import dev.worldws.api.spi.EventSubscriber;
import dev.worldws.api.spi.StreamPosition;
import dev.worldws.api.spi.Subscription;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The in-process {@link EventBus}: a map of topics, each sequencing under its own lock and delivering through its
 * own queue.
 *
 * <p>Delivery happens outside the topic lock so that a subscriber may publish (or subscribe, or close) from inside
 * {@code onEvent} without deadlock. Order is kept by letting exactly one thread at a time drain a topic's queue:
 * whoever appends while another thread drains simply leaves its event for that thread.
 */
final class InProcessEventBus implements EventBus {
    private static final System.Logger LOG = System.getLogger(InProcessEventBus.class.getName());
    private static final TopicSubscription[] NO_SUBSCRIBERS = new TopicSubscription[0];

    private final Clock clock;
    private final int historySize;
    private final Duration historyTtl;
    private final ConcurrentHashMap<WorldKey, Topic> topics = new ConcurrentHashMap<>();
    private final AtomicInteger activeSubscriptions = new AtomicInteger();
    private final HistoryChunks historyChunks = new HistoryChunks(HistoryChunks.DEFAULT_CAPACITY);
    /** When idle topics are next released, in the clock's milliseconds (no {@code Instant} per publish). */
    private final AtomicLong nextSweepMillis;
    private volatile boolean closed;

    InProcessEventBus(Clock clock, int historySize, Duration historyTtl) {
        this.clock = clock;
        this.historySize = historySize;
        this.historyTtl = historyTtl;
        this.nextSweepMillis = new AtomicLong(clock.millis() + historyTtl.toMillis());
    }

    @Override
    public CompletionStage<WorldEvent> publish(WorldEvent event) {
        Objects.requireNonNull(event, "event");
        if (event.seq() != 0) {
            throw new IllegalArgumentException("event must not be sequenced yet (seq was " + event.seq() + ")");
        }
        ensureOpen();
        sweepIfDue();
        while (true) {
            Topic topic = topics.computeIfAbsent(event.world(), Topic::new);
            WorldEvent sequenced = topic.append(event);
            if (sequenced != null) {
                topic.drain();
                return CompletableFuture.completedFuture(sequenced);
            }
        }
    }

    @Override
    public Subscription subscribe(WorldKey key, Predicate<? super WorldEvent> filter, EventSubscriber subscriber) {
        Objects.requireNonNull(key, "topic");
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(subscriber, "subscriber");
        ensureOpen();
        sweepIfDue();
        while (true) {
            Topic topic = topics.computeIfAbsent(key, Topic::new);
            TopicSubscription subscription = topic.add(filter, subscriber);
            if (subscription != null) {
                activeSubscriptions.incrementAndGet();
                return subscription;
            }
        }
    }

    @Override
    public StreamPosition position(WorldKey key) {
        Objects.requireNonNull(key, "topic");
        while (true) {
            Topic topic = topics.computeIfAbsent(key, Topic::new);
            StreamPosition position = topic.position();
            if (position != null) {
                return position;
            }
        }
    }

    @Override
    public Optional<List<WorldEvent>> eventsSince(WorldKey key, StreamPosition position) {
        Objects.requireNonNull(key, "topic");
        Objects.requireNonNull(position, "position");
        Topic topic = topics.get(key);
        return topic == null ? Optional.empty() : topic.eventsSince(position);
    }

    @Override
    public void forget(WorldKey key) {
        Objects.requireNonNull(key, "topic");
        Topic topic = topics.get(key);
        if (topic != null) {
            topic.forget();
        }
    }

    @Override
    public int activeSubscriptions() {
        return activeSubscriptions.get();
    }

    @Override
    public void close() {
        closed = true;
        for (Topic topic : topics.values()) {
            topic.closeAll();
        }
        topics.clear();
    }

    /** How many topics are held in memory; lets tests see that idle topics are released. */
    int topicCount() {
        return topics.size();
    }

    /** Releases idle topics now, whatever the time; for tests. */
    void sweep() {
        long now = clock.millis();
        for (Topic topic : topics.values()) {
            topic.releaseIfIdle(now);
        }
    }

    private void sweepIfDue() {
        long now = clock.millis();
        long due = nextSweepMillis.get();
        if (now >= due && nextSweepMillis.compareAndSet(due, now + historyTtl.toMillis())) {
            sweep();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("event bus is closed");
        }
    }

    /** An event waiting to be delivered, with the topic generation (see {@link Topic#forget}) it was published in. */
    private record Pending(WorldEvent event, long generation) {}

    /** Where a subscription starts: only events after {@code seq} of {@code generation}, or of a later generation. */
    private record Start(long generation, long seq) {
        boolean admits(Pending pending) {
            return pending.generation() > generation
                    || (pending.generation() == generation && pending.event().seq() > seq);
        }
    }

    private final class Topic {
        private final WorldKey key;
        // all fields below are guarded by "this"
        private String epoch = UUID.randomUUID().toString();
        private long generation;
        private long seq;
        private final PackedHistory history;
        private final ArrayDeque<Pending> pending = new ArrayDeque<>();
        private TopicSubscription[] subscribers = NO_SUBSCRIBERS;
        private boolean draining;
        private boolean released;

        Topic(WorldKey key) {
            this.key = key;
            this.history = new PackedHistory(key, historyChunks);
        }

        /** Sequences {@code event} and queues it for delivery; {@code null} if this topic was released (retry). */
        synchronized WorldEvent append(WorldEvent event) {
            if (released) {
                return null;
            }
            seq++;
            WorldEvent sequenced = event.withSeq(seq);
            long now = clock.millis();
            if (historySize > 0) {
                history.add(sequenced, now);
            }
            trim(now);
            pending.addLast(new Pending(sequenced, generation));
            return sequenced;
        }

        /** Delivers queued events unless another thread (or an outer frame of this one) already does. */
        void drain() {
            synchronized (this) {
                if (draining) {
                    return;
                }
                draining = true;
            }
            boolean finished = false;
            try {
                while (true) {
                    Pending next;
                    TopicSubscription[] targets;
                    synchronized (this) {
                        next = pending.pollFirst();
                        if (next == null) {
                            draining = false;
                            finished = true;
                            return;
                        }
                        targets = subscribers;
                    }
                    for (TopicSubscription target : targets) {
                        target.deliver(next);
                    }
                }
            } finally {
                if (!finished) {
                    // an Error escaped a subscriber: let the next publisher resume draining
                    synchronized (this) {
                        draining = false;
                    }
                }
            }
        }

        synchronized TopicSubscription add(Predicate<? super WorldEvent> filter, EventSubscriber subscriber) {
            if (released) {
                return null;
            }
            TopicSubscription subscription = new TopicSubscription(this, filter, subscriber, new Start(generation, seq));
            TopicSubscription[] grown = Arrays.copyOf(subscribers, subscribers.length + 1);
            grown[subscribers.length] = subscription;
            subscribers = grown;
            return subscription;
        }

        /** Removes {@code subscription}; returns whether it was still registered. */
        synchronized boolean remove(TopicSubscription subscription) {
            List<TopicSubscription> kept = new ArrayList<>(Arrays.asList(subscribers));
            boolean removed = kept.remove(subscription);
            subscribers = kept.toArray(NO_SUBSCRIBERS);
            return removed;
        }

        synchronized StreamPosition position() {
            return released ? null : new StreamPosition(seq, epoch);
        }

        synchronized Optional<List<WorldEvent>> eventsSince(StreamPosition position) {
            if (released || !position.epoch().equals(epoch) || position.seq() > seq) {
                return Optional.empty();
            }
            if (position.seq() == seq) {
                return Optional.of(List.of());
            }
            trim(clock.millis());
            long oldestKept = history.isEmpty() ? seq + 1 : history.oldestSeq();
            if (position.seq() + 1 < oldestKept) {
                return Optional.empty();
            }
            return Optional.of(List.copyOf(history.since(position.seq())));
        }

        synchronized void forget() {
            if (released) {
                return;
            }
            epoch = UUID.randomUUID().toString();
            seq = 0;
            generation++;
            history.clear();
            Start fresh = new Start(generation, 0);
            for (TopicSubscription subscription : subscribers) {
                subscription.start = fresh;
            }
            if (subscribers.length == 0) {
                release();
            }
        }

        synchronized void releaseIfIdle(long now) {
            trim(now);
            if (!released && subscribers.length == 0 && history.isEmpty() && pending.isEmpty() && !draining) {
                release();
            }
        }

        synchronized void closeAll() {
            for (TopicSubscription subscription : subscribers) {
                if (subscription.deactivate()) {
                    activeSubscriptions.decrementAndGet();
                }
            }
            subscribers = NO_SUBSCRIBERS;
            history.clear();
            pending.clear();
            released = true;
        }

        // guarded by "this"
        private void release() {
            released = true;
            topics.remove(key, this);
        }

        // guarded by "this"
        private void trim(long nowMillis) {
            history.trim(historySize, nowMillis - historyTtl.toMillis());
        }
    }

    private final class TopicSubscription implements Subscription {
        private final Topic topic;
        private final Predicate<? super WorldEvent> filter;
        private final EventSubscriber subscriber;
        /** Held while the subscriber runs, so that close() can wait for a delivery in progress on another thread. */
        private final ReentrantLock delivering = new ReentrantLock();
        private volatile Start start;
        private volatile boolean active = true;

        TopicSubscription(Topic topic, Predicate<? super WorldEvent> filter, EventSubscriber subscriber, Start start) {
            this.topic = topic;
            this.filter = filter;
            this.subscriber = subscriber;
            this.start = start;
        }

        void deliver(Pending pending) {
            if (!active || !start.admits(pending)) {
                return;
            }
            WorldEvent event = pending.event();
            delivering.lock();
            try {
                if (active && filter.test(event)) {
                    subscriber.onEvent(event);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "subscriber of topic " + topic.key + " threw on event "
                        + event.seq() + " (" + event.channel().wireName() + "/" + event.type() + "); skipped", e);
            } finally {
                delivering.unlock();
            }
        }

        /** Marks this subscription closed; returns whether it was active. */
        boolean deactivate() {
            synchronized (this) {
                boolean was = active;
                active = false;
                return was;
            }
        }

        @Override
        public void close() {
            boolean wasActive = deactivate();
            topic.remove(this);
            if (wasActive) {
                activeSubscriptions.decrementAndGet();
            }
            // wait out a delivery running on another thread; from inside onEvent the lock is ours and we go on
            if (!delivering.isHeldByCurrentThread()) {
                delivering.lock();
                delivering.unlock();
            }
            if (!closed) {
                topic.releaseIfIdle(clock.millis());
            }
        }

        @Override
        public boolean isActive() {
            return active;
        }
    }
}
