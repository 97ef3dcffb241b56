package dev.worldws.core;

import dev.worldws.testkit.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** A scheduler driven by a {@link ManualClock}: tasks run only in {@link #advance}, on the calling thread. */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private final ManualClock clock;
    private final List<Task> tasks = new ArrayList<>();
    private boolean shutdown;

    ManualScheduler(ManualClock clock) {
        this.clock = clock;
    }

    /** Moves the clock forward in steps of at most {@code step}, running every task that falls due. */
    void advance(Duration amount, Duration step) {
        Duration left = amount;
        while (!left.isZero() && !left.isNegative()) {
            Duration next = left.compareTo(step) < 0 ? left : step;
            clock.advance(next);
            left = left.minus(next);
            runDue();
        }
    }

    void advance(Duration amount) {
        advance(amount, Duration.ofSeconds(1));
    }

    /** Tasks scheduled and not yet run or cancelled (periodic ones count once). */
    synchronized int pending() {
        return (int) tasks.stream().filter(task -> !task.cancelled).count();
    }

    void runDue() {
        while (true) {
            Task due = null;
            synchronized (this) {
                long now = clock.millis();
                for (Task task : tasks) {
                    if (!task.cancelled && task.dueMillis <= now && (due == null || task.dueMillis < due.dueMillis)) {
                        due = task;
                    }
                }
                if (due == null) {
                    tasks.removeIf(task -> task.cancelled);
                    return;
                }
                if (due.periodMillis > 0) {
                    due.dueMillis += due.periodMillis;
                } else {
                    tasks.remove(due);
                    due.done = true;
                }
            }
            due.command.run();
        }
    }

    private synchronized Task add(Runnable command, long delayMillis, long periodMillis) {
        Task task = new Task(command, clock.millis() + Math.max(0, delayMillis), periodMillis);
        tasks.add(task);
        return task;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return add(command, unit.toMillis(delay), 0);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("not needed by the engine");
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return add(command, unit.toMillis(initialDelay), unit.toMillis(period));
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return add(command, unit.toMillis(initialDelay), unit.toMillis(delay));
    }

    @Override
    public void execute(Runnable command) {
        command.run();
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
    }

    @Override
    public synchronized List<Runnable> shutdownNow() {
        shutdown = true;
        tasks.clear();
        return List.of();
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    @Override
    public synchronized boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }

    private final class Task implements ScheduledFuture<Object> {
        final Runnable command;
        final long periodMillis;
        long dueMillis;
        volatile boolean cancelled;
        volatile boolean done;

        Task(Runnable command, long dueMillis, long periodMillis) {
            this.command = command;
            this.dueMillis = dueMillis;
            this.periodMillis = periodMillis;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueMillis - clock.millis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.MILLISECONDS), other.getDelay(TimeUnit.MILLISECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            cancelled = true;
            return !done;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    }
}
