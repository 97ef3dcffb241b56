package dev.worldws.core;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs tasks one at a time, in submission order, on a shared executor: an actor's mailbox. A task that throws is
 * logged and the next one runs. Yields the thread after a batch so one busy world cannot starve the others. The
 * frames its tasks queue for connections are sent when the batch ends ({@link OutboundBatch}).
 */
final class SerialExecutor implements Executor {
    private static final System.Logger LOG = System.getLogger(SerialExecutor.class.getName());
    private static final int BATCH = 64;

    private final Executor delegate;
    private final String name;
    // guarded by this
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean scheduled;

    SerialExecutor(Executor delegate, String name) {
        this.delegate = delegate;
        this.name = name;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (this) {
            tasks.add(task);
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        schedule();
    }

    private void schedule() {
        try {
            delegate.execute(this::drain);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                LOG.log(Level.WARNING, "executor rejected the tasks of {0}; {1} dropped", name, tasks.size());
                tasks.clear();
                scheduled = false;
            }
        }
    }

    private void drain() {
        // frames the tasks queue for connections go out together once this turn ends, not one write each
        boolean opened = OutboundBatch.open();
        try {
            for (int i = 0; i < BATCH; i++) {
                Runnable task;
                synchronized (this) {
                    task = tasks.poll();
                    if (task == null) {
                        scheduled = false;
                        return;
                    }
                }
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    LOG.log(Level.ERROR, "task of " + name + " failed", e);
                }
            }
        } finally {
            if (opened) {
                OutboundBatch.close();
            }
        }
        schedule();
    }
}
