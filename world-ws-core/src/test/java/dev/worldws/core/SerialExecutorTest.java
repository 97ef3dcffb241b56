package dev.worldws.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * An actor's mailbox: its tasks run one at a time and in the order they were handed over, whichever threads hand
 * them over (a world's state depends on it), a failing task does not stop the ones behind it, and one busy actor
 * does not keep the others off the pool.
 */
@DisplayName("an actor's tasks run one at a time and in order, and one busy actor does not starve the others")
class SerialExecutorTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    @DisplayName("tasks handed over at once from many threads run one at a time, each thread's in its order")
    void oneAtATimeInOrderFromManyThreads() throws InterruptedException {
        SerialExecutor actor = new SerialExecutor(pool, "world a");
        int threads = 8;
        int tasksEach = 2_000;
        AtomicInteger inside = new AtomicInteger();
        AtomicBoolean overlapped = new AtomicBoolean();
        int[] lastSeen = new int[threads];
        AtomicBoolean outOfOrder = new AtomicBoolean();
        CountDownLatch allRan = new CountDownLatch(threads * tasksEach);
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int submitter = t;
            lastSeen[t] = -1;
            Runnable submit = () -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int n = 0; n < tasksEach; n++) {
                    int number = n;
                    actor.execute(() -> {
                        if (inside.incrementAndGet() != 1) {
                            overlapped.set(true);
                        }
                        // lastSeen is confined to the actor: safe only if tasks never overlap, which is the claim
                        if (lastSeen[submitter] != number - 1) {
                            outOfOrder.set(true);
                        }
                        lastSeen[submitter] = number;
                        inside.decrementAndGet();
                        allRan.countDown();
                    });
                }
            };
            submitters.add(new Thread(submit, "submitter-" + t));
        }
        submitters.forEach(Thread::start);
        start.countDown();

        assertThat(allRan.await(30, TimeUnit.SECONDS)).as("every task ran").isTrue();
        for (Thread submitter : submitters) {
            submitter.join(TimeUnit.SECONDS.toMillis(10));
        }
        assertThat(overlapped).as("two tasks ran at the same time").isFalse();
        assertThat(outOfOrder).as("a thread's tasks ran out of order").isFalse();
    }

    @Test
    @DisplayName("a task that throws is logged, and the tasks behind it still run")
    void failingTaskDoesNotStopTheOthers() throws InterruptedException {
        SerialExecutor actor = new SerialExecutor(pool, "world a");
        CountDownLatch after = new CountDownLatch(1);

        actor.execute(() -> {
            throw new IllegalStateException("a bug in one turn");
        });
        actor.execute(after::countDown);

        assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    @DisplayName("on a one-thread pool, another actor's task runs while a busy actor still has thousands queued")
    void busyActorYieldsThePool() throws InterruptedException {
        ExecutorService oneThread = Executors.newSingleThreadExecutor();
        try {
            SerialExecutor busy = new SerialExecutor(oneThread, "world busy");
            SerialExecutor other = new SerialExecutor(oneThread, "world other");
            CountDownLatch blocker = new CountDownLatch(1);
            AtomicInteger busyDone = new AtomicInteger();
            CountDownLatch otherRan = new CountDownLatch(1);
            AtomicInteger busyDoneWhenOtherRan = new AtomicInteger(-1);
            busy.execute(() -> {
                try {
                    blocker.await(); // holds the only thread until everything below is queued
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            for (int i = 0; i < 5_000; i++) {
                busy.execute(busyDone::incrementAndGet);
            }
            other.execute(() -> {
                busyDoneWhenOtherRan.set(busyDone.get());
                otherRan.countDown();
            });
            blocker.countDown();

            assertThat(otherRan.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(busyDoneWhenOtherRan.get()).as("busy tasks done before the other actor got the thread")
                    .isLessThan(5_000);
        } finally {
            oneThread.shutdownNow();
        }
    }
}
