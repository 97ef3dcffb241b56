package dev.worldws.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SaveGateTest {
    private final ExecutorService storage = Executors.newFixedThreadPool(8);

    @AfterEach
    void stop() {
        storage.shutdownNow();
    }

    @Test
    @DisplayName("no more saves run at once than the limit; the others run as slots free up")
    void boundsConcurrencyInOrder() throws Exception {
        SaveGate gate = new SaveGate(storage, 2);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<Integer> started = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Integer>> results = IntStream.range(0, 6).mapToObj(i -> gate.submit(() -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            started.add(i);
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            return i;
        })).toList();

        assertThat(gate.pending()).isEqualTo(6);
        Await.until("two saves are running", () -> running.get() == 2);
        release.countDown();
        for (int i = 0; i < results.size(); i++) {
            assertThat(results.get(i).get(5, TimeUnit.SECONDS)).isEqualTo(i);
        }
        assertThat(most.get()).isEqualTo(2);
        assertThat(started).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
        assertThat(gate.pending()).isZero();
    }

    @Test
    @DisplayName("waiting saves start in the order they arrived")
    void firstComeFirstServed() throws Exception {
        SaveGate gate = new SaveGate(storage, 1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> started = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Integer>> results = IntStream.range(0, 5).mapToObj(i -> gate.submit(() -> {
            started.add(i);
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return i;
        })).toList();
        release.countDown();
        for (CompletableFuture<Integer> result : results) {
            result.get(5, TimeUnit.SECONDS);
        }
        assertThat(started).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    @DisplayName("a failing save fails its own result and frees its slot")
    void failureFreesTheSlot() throws Exception {
        SaveGate gate = new SaveGate(storage, 1);
        CompletableFuture<Object> failed = gate.submit(() -> {
            throw new IllegalStateException("disk full (expected by the test)");
        });
        assertThatThrownBy(() -> failed.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(gate.submit(() -> "next").get(5, TimeUnit.SECONDS)).isEqualTo("next");
    }

    @Test
    @DisplayName("once the storage executor is shut down, saves run on the caller's thread rather than being lost")
    void runsInlineAfterShutdown() throws Exception {
        storage.shutdown();
        SaveGate gate = new SaveGate(storage, 2);
        Thread caller = Thread.currentThread();
        assertThat(gate.submit(() -> Thread.currentThread() == caller).get(5, TimeUnit.SECONDS)).isTrue();
    }
}
