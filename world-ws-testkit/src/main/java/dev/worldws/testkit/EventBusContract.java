package dev.worldws.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.worldws.api.WorldKey;
import dev.worldws.api.event.MessageEvent;
import dev.worldws.api.event.SenderType;
import dev.worldws.api.event.WorldEvent;
import dev.worldws.api.spi.EventBus;
import dev.worldws.api.spi.StreamPosition;
import dev.worldws.api.spi.Subscription;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link EventBus} satisfies. Extend it and implement {@link #createBus}; skip nothing.
 *
 * <p>Waiting is always on a condition with a timeout ({@link RecordingSubscriber#next()}), never a sleep, so the
 * suite also fits buses that deliver on their own threads. To show that something did <em>not</em> arrive, a test
 * publishes a later marker event that an open subscriber of the same topic must receive first.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
public abstract class EventBusContract {
    protected static final WorldKey ALICE_GARDEN = WorldKey.of("alice", "garden");
    protected static final WorldKey BOB_GARDEN = WorldKey.of("bob", "garden");

    protected ManualClock clock;
    protected EventBus bus;
    private final List<EventBus> created = new ArrayList<>();

    /**
     * Returns a new bus, isolated from every other bus this method returned (no shared topics).
     *
     * @param clock the clock that ages the history
     * @param historySize how many events per topic the history keeps at most
     * @param historyTtl how long an event stays replayable
     */
    protected abstract EventBus createBus(Clock clock, int historySize, Duration historyTtl);

    @BeforeEach
    final void setUpBus() {
        clock = ManualClock.startingAtEpochOf2026();
        bus = newBus(1000, Duration.ofMinutes(2));
    }

    @AfterEach
    final void closeBuses() {
        created.forEach(EventBus::close);
    }

    /** A further bus on the same clock, closed after the test. */
    protected final EventBus newBus(int historySize, Duration historyTtl) {
        EventBus made = createBus(clock, historySize, historyTtl);
        created.add(made);
        return made;
    }

    /** A human chat message on {@code topic}, not yet sequenced. */
    protected final MessageEvent message(WorldKey topic, String text) {
        return new MessageEvent(topic, "chat-1", 0, clock.instant(), UUID.randomUUID().toString(), "human",
                SenderType.HUMAN, text, null, "node-1");
    }

    protected final WorldEvent publish(EventBus target, WorldKey topic, String text) {
        return target.publish(message(topic, text)).toCompletableFuture().join();
    }

    protected final WorldEvent publish(WorldKey topic, String text) {
        return publish(bus, topic, text);
    }

    private static String text(WorldEvent event) {
        return ((MessageEvent) event).content();
    }

    private static List<String> texts(List<WorldEvent> events) {
        return events.stream().map(EventBusContract::text).toList();
    }

    private static List<Long> seqs(List<WorldEvent> events) {
        return events.stream().map(WorldEvent::seq).toList();
    }

    private static List<Long> oneTo(int n) {
        return LongStream.rangeClosed(1, n).boxed().toList();
    }

    @Nested
    @DisplayName("sequencing")
    class Sequencing {
        @Test
        @DisplayName("a topic's events are numbered 1, 2, 3 without gaps")
        void gapFreeFromOne() {
            List<Long> assigned = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                assigned.add(publish(ALICE_GARDEN, "m" + i).seq());
            }
            assertThat(assigned).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(bus.position(ALICE_GARDEN).seq()).isEqualTo(5);
        }

        @Test
        @DisplayName("the sequenced event keeps everything but the sequence number")
        void sequencedCopy() {
            MessageEvent original = message(ALICE_GARDEN, "hello");
            WorldEvent sequenced = bus.publish(original).toCompletableFuture().join();
            assertThat(sequenced).isEqualTo(original.withSeq(1));
        }

        @Test
        @DisplayName("every topic has its own sequence")
        void perTopicSequence() {
            publish(ALICE_GARDEN, "a1");
            publish(ALICE_GARDEN, "a2");
            assertThat(publish(BOB_GARDEN, "b1").seq()).isEqualTo(1);
            assertThat(publish(ALICE_GARDEN, "a3").seq()).isEqualTo(3);
        }

        @Test
        @DisplayName("an event that already has a sequence number is refused")
        void refusesSequenced() {
            assertThatThrownBy(() -> bus.publish(message(ALICE_GARDEN, "x").withSeq(7)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(bus.position(ALICE_GARDEN).seq()).isZero();
        }

        @Test
        @DisplayName("a topic nobody published to is at sequence 0")
        void emptyTopicPosition() {
            assertThat(bus.position(BOB_GARDEN).seq()).isZero();
        }
    }

    @Nested
    @DisplayName("delivery")
    class Delivery {
        @Test
        @DisplayName("a subscriber receives its topic's events in publish order")
        void inOrder() {
            RecordingSubscriber recorder = new RecordingSubscriber();
            bus.subscribe(ALICE_GARDEN, event -> true, recorder);
            for (int i = 0; i < 100; i++) {
                publish(ALICE_GARDEN, "m" + i);
            }
            List<WorldEvent> received = recorder.next(100);
            assertThat(seqs(received)).isEqualTo(oneTo(100));
            assertThat(texts(received)).first().isEqualTo("m0");
            assertThat(texts(received)).last().isEqualTo("m99");
        }

        @Test
        @DisplayName("with concurrent publishers every subscriber sees the same gap-free order, one event at a time")
        void concurrentPublishers() throws Exception {
            RecordingSubscriber first = new RecordingSubscriber();
            RecordingSubscriber second = new RecordingSubscriber();
            bus.subscribe(ALICE_GARDEN, event -> true, first);
            bus.subscribe(ALICE_GARDEN, event -> true, second);
            int threads = 4;
            int perThread = 50;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    done.add(pool.submit(() -> {
                        go.await();
                        for (int i = 0; i < perThread; i++) {
                            publish(ALICE_GARDEN, "t" + thread + "-" + i);
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> future : done) {
                    future.get(20, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            List<WorldEvent> seenByFirst = first.next(threads * perThread);
            List<WorldEvent> seenBySecond = second.next(threads * perThread);
            assertThat(seqs(seenByFirst)).isEqualTo(oneTo(threads * perThread));
            assertThat(seenBySecond).isEqualTo(seenByFirst);
            first.assertNeverCalledConcurrently();
            second.assertNeverCalledConcurrently();
        }

        @Test
        @DisplayName("subscriptions that join a busy topic each receive every later event, without gaps")
        void joinBusyTopic() throws Exception {
            java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread publisher = new Thread(() -> {
                for (int i = 0; running.get(); i++) {
                    publish(ALICE_GARDEN, "m" + i);
                }
            }, "busy-publisher");
            publisher.start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (bus.position(ALICE_GARDEN).seq() == 0 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                for (int joiner = 0; joiner < 5; joiner++) {
                    RecordingSubscriber recorder = new RecordingSubscriber();
                    Subscription subscription = bus.subscribe(ALICE_GARDEN, event -> true, recorder);
                    List<Long> received = seqs(recorder.next(50));
                    subscription.close();
                    long first = received.get(0);
                    assertThat(received).isEqualTo(LongStream.range(first, first + 50).boxed().toList());
                    recorder.assertNeverCalledConcurrently();
                }
            } finally {
                running.set(false);
                publisher.join(10_000);
            }
        }

        @Test
        @DisplayName("events published before subscribing are not delivered")
        void notBeforeSubscribe() {
            publish(ALICE_GARDEN, "before");
            RecordingSubscriber recorder = new RecordingSubscriber();
            bus.subscribe(ALICE_GARDEN, event -> true, recorder);
            publish(ALICE_GARDEN, "after");
            assertThat(text(recorder.next())).isEqualTo("after");
        }

        @Test
        @DisplayName("the filter decides which events a subscriber gets")
        void filter() {
            RecordingSubscriber recorder = new RecordingSubscriber();
            bus.subscribe(ALICE_GARDEN, event -> text(event).startsWith("keep"), recorder);
            publish(ALICE_GARDEN, "drop-1");
            publish(ALICE_GARDEN, "keep-1");
            publish(ALICE_GARDEN, "drop-2");
            publish(ALICE_GARDEN, "keep-2");
            assertThat(texts(recorder.next(2))).containsExactly("keep-1", "keep-2");
        }

        @Test
        @DisplayName("topics are isolated: the same world name of another user delivers nothing")
        void topicsIsolated() {
            RecordingSubscriber alice = new RecordingSubscriber();
            bus.subscribe(ALICE_GARDEN, event -> true, alice);
            publish(BOB_GARDEN, "for bob");
            publish(ALICE_GARDEN, "for alice");
            WorldEvent first = alice.next();
            assertThat(text(first)).isEqualTo("for alice");
            assertThat(first.world()).isEqualTo(ALICE_GARDEN);
        }

        @Test
        @DisplayName("a subscriber that throws harms neither other subscribers nor later events")
        void throwingSubscriberIsolated() {
            RecordingSubscriber before = new RecordingSubscriber();
            RecordingSubscriber after = new RecordingSubscriber();
            RecordingSubscriber thrower = new RecordingSubscriber(event -> {
                throw new IllegalStateException("subscriber bug (expected by the test)");
            });
            bus.subscribe(ALICE_GARDEN, event -> true, before);
            bus.subscribe(ALICE_GARDEN, event -> true, thrower);
            bus.subscribe(ALICE_GARDEN, event -> true, after);
            publish(ALICE_GARDEN, "one");
            publish(ALICE_GARDEN, "two");
            assertThat(texts(before.next(2))).containsExactly("one", "two");
            assertThat(texts(after.next(2))).containsExactly("one", "two");
            assertThat(texts(thrower.next(2))).containsExactly("one", "two");
        }

        @Test
        @DisplayName("a subscriber that publishes from inside onEvent neither deadlocks nor breaks the order")
        void reentrantPublish() {
            RecordingSubscriber echo = new RecordingSubscriber(event -> {
                if (text(event).equals("ping")) {
                    publish(ALICE_GARDEN, "pong");
                }
            });
            RecordingSubscriber watcher = new RecordingSubscriber();
            bus.subscribe(ALICE_GARDEN, event -> true, echo);
            bus.subscribe(ALICE_GARDEN, event -> true, watcher);
            publish(ALICE_GARDEN, "ping");
            publish(ALICE_GARDEN, "later");
            List<WorldEvent> seenByWatcher = watcher.next(3);
            List<WorldEvent> seenByEcho = echo.next(3);
            assertThat(seqs(seenByWatcher)).containsExactly(1L, 2L, 3L);
            assertThat(texts(seenByWatcher)).containsExactlyInAnyOrder("ping", "pong", "later");
            assertThat(texts(seenByWatcher)).first().isEqualTo("ping");
            assertThat(seenByEcho).isEqualTo(seenByWatcher);
        }
    }

    @Nested
    @DisplayName("unsubscribing")
    class Unsubscribing {
        @Test
        @DisplayName("nothing reaches a subscriber after its subscription is closed")
        void nothingAfterClose() {
            RecordingSubscriber leaving = new RecordingSubscriber();
            RecordingSubscriber staying = new RecordingSubscriber();
            Subscription subscription = bus.subscribe(ALICE_GARDEN, event -> true, leaving);
            bus.subscribe(ALICE_GARDEN, event -> true, staying);
            publish(ALICE_GARDEN, "while subscribed");
            assertThat(text(leaving.next())).isEqualTo("while subscribed");

            subscription.close();
            publish(ALICE_GARDEN, "after close");
            publish(ALICE_GARDEN, "marker");
            assertThat(texts(staying.next(3))).containsExactly("while subscribed", "after close", "marker");
            assertThat(leaving.drain()).isEmpty();
            assertThat(subscription.isActive()).isFalse();
        }

        @Test
        @DisplayName("a subscriber may close its own subscription from inside onEvent")
        void closeFromInside() {
            AtomicReference<Subscription> self = new AtomicReference<>();
            RecordingSubscriber once = new RecordingSubscriber(event -> self.get().close());
            RecordingSubscriber staying = new RecordingSubscriber();
            self.set(bus.subscribe(ALICE_GARDEN, event -> true, once));
            bus.subscribe(ALICE_GARDEN, event -> true, staying);
            publish(ALICE_GARDEN, "first");
            publish(ALICE_GARDEN, "second");
            assertThat(texts(staying.next(2))).containsExactly("first", "second");
            assertThat(texts(once.drain())).containsExactly("first");
        }

        @Test
        @DisplayName("activeSubscriptions counts open subscriptions, and closing twice counts once")
        void countsSubscriptions() {
            assertThat(bus.activeSubscriptions()).isZero();
            Subscription one = bus.subscribe(ALICE_GARDEN, event -> true, new RecordingSubscriber());
            Subscription two = bus.subscribe(BOB_GARDEN, event -> true, new RecordingSubscriber());
            assertThat(bus.activeSubscriptions()).isEqualTo(2);
            one.close();
            one.close();
            assertThat(bus.activeSubscriptions()).isEqualTo(1);
            assertThat(one.isActive()).isFalse();
            assertThat(two.isActive()).isTrue();
            two.close();
            assertThat(bus.activeSubscriptions()).isZero();
        }

        @Test
        @DisplayName("closing the bus closes every subscription; closing it again is harmless")
        void closingBus() {
            EventBus own = newBus(10, Duration.ofMinutes(1));
            Subscription subscription = own.subscribe(ALICE_GARDEN, event -> true, new RecordingSubscriber());
            own.close();
            own.close();
            assertThat(subscription.isActive()).isFalse();
            assertThat(own.activeSubscriptions()).isZero();
        }
    }

    @Nested
    @DisplayName("replay with eventsSince")
    class Replay {
        @Test
        @DisplayName("gives exactly the events after the position, in order")
        void exactMissedEvents() {
            publish(ALICE_GARDEN, "m1");
            StreamPosition seen = new StreamPosition(publish(ALICE_GARDEN, "m2").seq(), bus.position(ALICE_GARDEN).epoch());
            publish(ALICE_GARDEN, "m3");
            publish(ALICE_GARDEN, "m4");
            Optional<List<WorldEvent>> missed = bus.eventsSince(ALICE_GARDEN, seen);
            assertThat(missed).isPresent();
            assertThat(texts(missed.get())).containsExactly("m3", "m4");
            assertThat(seqs(missed.get())).containsExactly(3L, 4L);
        }

        @Test
        @DisplayName("from sequence 0 of the current epoch gives the whole history")
        void fromZero() {
            StreamPosition start = bus.position(ALICE_GARDEN);
            publish(ALICE_GARDEN, "m1");
            publish(ALICE_GARDEN, "m2");
            assertThat(bus.eventsSince(ALICE_GARDEN, new StreamPosition(0, start.epoch())))
                    .hasValueSatisfying(events -> assertThat(texts(events)).containsExactly("m1", "m2"));
        }

        @Test
        @DisplayName("an up-to-date position gets an empty list, not a refusal")
        void upToDate() {
            publish(ALICE_GARDEN, "m1");
            assertThat(bus.eventsSince(ALICE_GARDEN, bus.position(ALICE_GARDEN))).contains(List.of());
        }

        @Test
        @DisplayName("a position from another epoch is refused")
        void otherEpoch() {
            publish(ALICE_GARDEN, "m1");
            String foreign = "not-" + bus.position(ALICE_GARDEN).epoch();
            assertThat(bus.eventsSince(ALICE_GARDEN, new StreamPosition(0, foreign))).isEmpty();
        }

        @Test
        @DisplayName("a position ahead of the topic is refused")
        void ahead() {
            publish(ALICE_GARDEN, "m1");
            StreamPosition now = bus.position(ALICE_GARDEN);
            assertThat(bus.eventsSince(ALICE_GARDEN, new StreamPosition(now.seq() + 5, now.epoch()))).isEmpty();
        }

        @Test
        @DisplayName("a position older than the kept history is refused rather than answered with a gap")
        void trimmedBySize() {
            EventBus small = newBus(3, Duration.ofMinutes(2));
            for (int i = 1; i <= 10; i++) {
                publish(small, ALICE_GARDEN, "m" + i);
            }
            String epoch = small.position(ALICE_GARDEN).epoch();
            assertThat(small.eventsSince(ALICE_GARDEN, new StreamPosition(2, epoch))).isEmpty();
            assertThat(small.eventsSince(ALICE_GARDEN, new StreamPosition(6, epoch))).isEmpty();
            assertThat(small.eventsSince(ALICE_GARDEN, new StreamPosition(7, epoch)))
                    .hasValueSatisfying(events -> assertThat(texts(events)).containsExactly("m8", "m9", "m10"));
        }

        @Test
        @DisplayName("events older than the history's time to live are no longer replayed")
        void trimmedByAge() {
            EventBus shortLived = newBus(100, Duration.ofSeconds(30));
            publish(shortLived, ALICE_GARDEN, "old");
            StreamPosition afterOld = shortLived.position(ALICE_GARDEN);
            clock.advance(Duration.ofSeconds(20));
            publish(shortLived, ALICE_GARDEN, "young");
            clock.advance(Duration.ofSeconds(15));
            assertThat(shortLived.eventsSince(ALICE_GARDEN, new StreamPosition(0, afterOld.epoch()))).isEmpty();
            assertThat(shortLived.eventsSince(ALICE_GARDEN, afterOld))
                    .hasValueSatisfying(events -> assertThat(texts(events)).containsExactly("young"));
        }

        @Test
        @DisplayName("a topic's replay never contains another topic's events")
        void replayIsolated() {
            StreamPosition aliceStart = bus.position(ALICE_GARDEN);
            publish(BOB_GARDEN, "bob");
            publish(ALICE_GARDEN, "alice");
            assertThat(bus.eventsSince(ALICE_GARDEN, aliceStart))
                    .hasValueSatisfying(events -> assertThat(texts(events)).containsExactly("alice"));
        }
    }

    @Nested
    @DisplayName("forgetting a topic")
    class Forgetting {
        @Test
        @DisplayName("starts a new epoch at sequence 1 and refuses replay from the old one")
        void newEpoch() {
            publish(ALICE_GARDEN, "m1");
            publish(ALICE_GARDEN, "m2");
            StreamPosition old = bus.position(ALICE_GARDEN);
            bus.forget(ALICE_GARDEN);
            assertThat(bus.eventsSince(ALICE_GARDEN, old)).isEmpty();
            assertThat(publish(ALICE_GARDEN, "fresh").seq()).isEqualTo(1);
            StreamPosition fresh = bus.position(ALICE_GARDEN);
            assertThat(fresh.epoch()).isNotEqualTo(old.epoch());
            assertThat(bus.eventsSince(ALICE_GARDEN, new StreamPosition(0, fresh.epoch())))
                    .hasValueSatisfying(events -> assertThat(texts(events)).containsExactly("fresh"));
        }

        @Test
        @DisplayName("leaves other topics alone")
        void otherTopicsKept() {
            publish(ALICE_GARDEN, "a1");
            publish(BOB_GARDEN, "b1");
            StreamPosition bob = bus.position(BOB_GARDEN);
            bus.forget(ALICE_GARDEN);
            assertThat(publish(BOB_GARDEN, "b2").seq()).isEqualTo(2);
            assertThat(bus.eventsSince(BOB_GARDEN, bob))
                    .hasValueSatisfying(events -> assertThat(texts(events)).containsExactly("b2"));
        }

        @Test
        @DisplayName("forgetting a topic nobody used is harmless")
        void unknownTopic() {
            bus.forget(WorldKey.of("nobody", "nothing"));
            assertThat(publish(WorldKey.of("nobody", "nothing"), "first").seq()).isEqualTo(1);
        }
    }
}
