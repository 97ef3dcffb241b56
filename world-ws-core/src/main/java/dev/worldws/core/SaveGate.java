package dev.worldws.core;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Lets at most a fixed number of world saves run on the storage executor at once; the rest wait in arrival order.
 *
 * <p>Why: saves are background work, but each one writes, renames and (with fsync) flushes several files, which
 * costs CPU in the kernel and contends on the file system's journal. Many of them at once took the CPU from the
 * threads that deliver chat (on a 2-core machine, 16 concurrent saves multiplied the chat latency a hundredfold).
 * A world whose save waits here loses nothing: its later changes are coalesced into the snapshot that is written
 * next, so under load a world is simply saved less often. Loads and clones (a user waits for them) do not pass
 * through the gate.
 *
 * <p>Thread-safe. Once the executor refuses work (the engine stopped), saves run on the caller's thread.
 */
final class SaveGate {
    private final Executor storage;
    private final int limit;
    private final Queue<Runnable> waiting = new ArrayDeque<>();
    private int running;

    SaveGate(Executor storage, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("at least one save must be able to run (was " + limit + ")");
        }
        this.storage = storage;
        this.limit = limit;
    }

    /** Runs {@code save} when a slot is free; the result completes with its outcome. */
    <T> CompletableFuture<T> submit(Supplier<T> save) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable task = () -> {
            T value = null;
            Throwable failure = null;
            try {
                value = save.get();
            } catch (Throwable e) {
                failure = e;
            }
            next(); // the slot is free before anyone learns the outcome, so pending() agrees with the results
            if (failure == null) {
                result.complete(value);
            } else {
                result.completeExceptionally(failure);
            }
        };
        synchronized (this) {
            if (running >= limit) {
                waiting.add(task);
                return result;
            }
            running++;
        }
        start(task);
        return result;
    }

    /** Saves running or waiting; for stats and tests. */
    synchronized int pending() {
        return running + waiting.size();
    }

    private void next() {
        Runnable task;
        synchronized (this) {
            task = waiting.poll();
            if (task == null) {
                running--;
                return;
            }
        }
        start(task);
    }

    private void start(Runnable task) {
        try {
            storage.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }
}
