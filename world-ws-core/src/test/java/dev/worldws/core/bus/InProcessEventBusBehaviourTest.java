package dev.worldws.core.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.worldws.api.WorldKey;
import dev.worldws.api.event.MessageEvent;
import dev.worldws.api.event.SenderType;
import dev.worldws.api.event.WorldEvent;
import dev.worldws.api.spi.StreamPosition;
import dev.worldws.testkit.ManualClock;
import dev.worldws.testkit.RecordingSubscriber;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the in-process bus promises beyond the EventBus contract. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InProcessEventBusBehaviourTest {
    private static final WorldKey GARDEN = WorldKey.of("alice", "garden");
    private final ManualClock clock = ManualClock.startingAtEpochOf2026();
    private final InProcessEventBus bus =
            (InProcessEventBus) EventBuses.inProcess(clock, 1000, Duration.ofMinutes(2));

    @AfterEach
    void close() {
        bus.close();
    }

    private MessageEvent message(WorldKey topic, String text) {
        return new MessageEvent(topic, "chat-1", 0, clock.instant(), UUID.randomUUID().toString(), "human",
                SenderType.HUMAN, text, null, "node-1");
    }

    private WorldEvent publish(WorldKey topic, String text) {
        return bus.publish(message(topic, text)).toCompletableFuture().join();
    }

    private static String text(WorldEvent event) {
        return ((MessageEvent) event).content();
    }

    @Test
    @DisplayName("delivery is synchronous: when publish returns, subscribers have the event")
    void synchronousDelivery() {
        RecordingSubscriber recorder = new RecordingSubscriber();
        bus.subscribe(GARDEN, event -> true, recorder);
        publish(GARDEN, "now");
        assertThat(recorder.drain()).extracting(InProcessEventBusBehaviourTest::text).containsExactly("now");
    }

    @Test
    @DisplayName("an event published from inside onEvent is delivered after the current one, before publish returns")
    void reentrantOrder() {
        List<String> seen = new ArrayList<>();
        bus.subscribe(GARDEN, event -> true, event -> {
            seen.add(text(event));
            if (text(event).equals("question")) {
                publish(GARDEN, "answer");
                seen.add("published answer");
            }
        });
        publish(GARDEN, "question");
        publish(GARDEN, "next");
        assertThat(seen).containsExactly("question", "published answer", "answer", "next");
    }

    @Test
    @DisplayName("close waits for a delivery running on another thread, then nothing more arrives")
    void closeWaitsForDelivery() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        var subscription = bus.subscribe(GARDEN, event -> true, event -> {
            seen.add(text(event));
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread publisher = new Thread(() -> publish(GARDEN, "slow"));
        publisher.start();
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        AtomicReference<Boolean> closed = new AtomicReference<>(false);
        Thread closer = new Thread(() -> {
            subscription.close();
            closed.set(true);
        });
        closer.start();
        // the closer must park on the delivery in progress, not return while onEvent runs
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (closer.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(closer.getState()).isEqualTo(Thread.State.WAITING);
        assertThat(closed.get()).isFalse();
        release.countDown();
        closer.join(10_000);
        publisher.join(10_000);
        assertThat(closed.get()).isTrue();
        publish(GARDEN, "after");
        assertThat(seen).containsExactly("slow");
    }

    @Test
    @DisplayName("topics without subscribers whose history has expired are released, so churn does not grow memory")
    void idleTopicsReleased() {
        for (int i = 0; i < 200; i++) {
            WorldKey topic = WorldKey.of("user" + i, "world");
            publish(topic, "hello");
            bus.subscribe(topic, event -> true, event -> { }).close();
        }
        var kept = bus.subscribe(WorldKey.of("keeper", "world"), event -> true, event -> { });
        assertThat(bus.topicCount()).isEqualTo(201);
        clock.advance(Duration.ofMinutes(3));
        publish(GARDEN, "triggers the sweep");
        assertThat(bus.topicCount()).isEqualTo(2);
        assertThat(kept.isActive()).isTrue();
    }

    @Test
    @DisplayName("topics on many threads, forgotten and refilled, replay only their own events (their history chunks go round)")
    void historiesOnManyThreads() throws Exception {
        int threads = 6;
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            WorldKey topic = WorldKey.of("user" + t, "world");
            workers.add(new Thread(() -> {
                try {
                    for (int round = 0; round < 20; round++) {
                        StreamPosition start = bus.position(topic);
                        List<String> sent = new ArrayList<>();
                        for (int i = 0; i < 300; i++) {
                            String text = topic + " round " + round + " event " + i + " " + "x".repeat(i % 97);
                            publish(topic, text);
                            sent.add(text);
                        }
                        List<WorldEvent> replayed = bus.eventsSince(topic, start).orElseThrow();
                        assertThat(replayed).extracting(InProcessEventBusBehaviourTest::text).containsExactlyElementsOf(sent);
                        bus.forget(topic); // its chunks go to the pool, for the other topics and its own next round
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        workers.forEach(Thread::start);
        for (Thread worker : workers) {
            worker.join(TimeUnit.SECONDS.toMillis(25));
        }
        assertThat(failures).isEmpty();
        assertThat(workers).noneMatch(Thread::isAlive);
    }

    @Test
    @DisplayName("a released topic starts a new epoch, so an old position is refused rather than misread")
    void releasedTopicNewEpoch() {
        publish(GARDEN, "m1");
        StreamPosition old = bus.position(GARDEN);
        clock.advance(Duration.ofMinutes(3));
        bus.sweep();
        assertThat(bus.eventsSince(GARDEN, old)).isEmpty();
        assertThat(publish(GARDEN, "m1 again").seq()).isEqualTo(1);
        assertThat(bus.position(GARDEN).epoch()).isNotEqualTo(old.epoch());
    }

    @Test
    @DisplayName("subscribers of a forgotten topic keep receiving, numbered from 1 again")
    void forgetKeepsSubscribers() {
        RecordingSubscriber recorder = new RecordingSubscriber();
        bus.subscribe(GARDEN, event -> true, recorder);
        publish(GARDEN, "m1");
        publish(GARDEN, "m2");
        bus.forget(GARDEN);
        publish(GARDEN, "new world");
        assertThat(recorder.drain()).extracting(WorldEvent::seq).containsExactly(1L, 2L, 1L);
    }

    @Test
    @DisplayName("after close, publish and subscribe are refused")
    void closedBus() {
        bus.close();
        assertThatThrownBy(() -> bus.publish(message(GARDEN, "late")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> bus.subscribe(GARDEN, event -> true, event -> { }))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    @DisplayName("bad settings are refused with a message naming the value")
    void badSettings() {
        assertThatThrownBy(() -> EventBuses.inProcess(clock, -1, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> EventBuses.inProcess(clock, 10, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0S");
    }
}
