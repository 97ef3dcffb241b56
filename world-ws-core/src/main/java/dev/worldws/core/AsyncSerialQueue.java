package dev.worldws.core;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Runs asynchronous tasks one after another: the next starts on the executor when the previous one's stage
 * completes. Keeps one connection's requests in order (a {@code chat_send} after {@code world_select} sees the
 * world) without blocking any thread.
 */
final class AsyncSerialQueue {
    private static final System.Logger LOG = System.getLogger(AsyncSerialQueue.class.getName());

    private final Executor executor;
    private final int capacity;
    // guarded by this
    private final ArrayDeque<Supplier<? extends CompletionStage<?>>> tasks = new ArrayDeque<>();
    private boolean running;

    AsyncSerialQueue(Executor executor, int capacity) {
        this.executor = executor;
        this.capacity = capacity;
    }

    /** Queues a task; false if {@code capacity} tasks are already waiting. */
    boolean submit(Supplier<? extends CompletionStage<?>> task) {
        synchronized (this) {
            if (tasks.size() >= capacity) {
                return false;
            }
            tasks.add(task);
            if (running) {
                return true;
            }
            running = true;
        }
        schedule();
        return true;
    }

    /** Whether no task is running or waiting. */
    synchronized boolean isIdle() {
        return !running && tasks.isEmpty();
    }

    private void schedule() {
        try {
            executor.execute(this::runNext);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                tasks.clear();
                running = false;
            }
        }
    }

    private void runNext() {
        Supplier<? extends CompletionStage<?>> task;
        synchronized (this) {
            task = tasks.poll();
            if (task == null) {
                running = false;
                return;
            }
        }
        CompletionStage<?> stage;
        try {
            stage = task.get();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "request task failed", e);
            stage = CompletableFuture.completedFuture(null);
        }
        if (stage == null) {
            stage = CompletableFuture.completedFuture(null);
        }
        stage.whenComplete((ignored, failure) -> schedule());
    }
}
