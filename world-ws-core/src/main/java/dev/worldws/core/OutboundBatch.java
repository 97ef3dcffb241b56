package dev.worldws.core;

import java.util.ArrayList;

/**
 * Holds back the sends of frames queued on one thread until the work that produced them is done, so that each
 * connection then writes them together ({@code Transport.sendAll}: one socket write instead of one per frame).
 *
 * <p>Why: a chat message makes a burst of events (the message, activity, each agent's start, chunks and end)
 * inside one turn of its world's actor, and every connection of the world used to get a socket write, a TCP
 * segment and a wake-up of its client per event. The actor opens a batch around a turn ({@link SerialExecutor});
 * frames are held no longer than that turn, which never blocks.
 *
 * <p>Thread-confined: a batch belongs to the thread that opened it; batches do not nest (an inner
 * {@link #open()} while one is open joins it).
 */
final class OutboundBatch {
    private static final System.Logger LOG = System.getLogger(OutboundBatch.class.getName());
    private static final int SHRINK_ABOVE = 1024;
    private static final ThreadLocal<OutboundBatch> OF_THREAD = ThreadLocal.withInitial(OutboundBatch::new);

    /** Connections whose send this batch owes (their {@code inFlight} is set and left to this batch). */
    private ArrayList<Connection> waiting = new ArrayList<>();
    private boolean open;

    private OutboundBatch() {}

    /**
     * Opens this thread's batch.
     *
     * @return whether this call opened it (and must {@link #close()} it); false if it was already open
     */
    static boolean open() {
        OutboundBatch batch = OF_THREAD.get();
        if (batch.open) {
            return false;
        }
        batch.open = true;
        return true;
    }

    /**
     * Takes over the send of {@code connection} if this thread has a batch open.
     *
     * @return true if the batch will start the connection's send when it closes; false if the caller must send now
     */
    static boolean defer(Connection connection) {
        OutboundBatch batch = OF_THREAD.get();
        if (!batch.open) {
            return false;
        }
        batch.waiting.add(connection);
        return true;
    }

    /** Closes this thread's batch and starts the send of every connection it held back, in the order they joined. */
    static void close() {
        OutboundBatch batch = OF_THREAD.get();
        batch.open = false;
        // a send may complete inline and queue more frames; with the batch closed those go out directly
        ArrayList<Connection> held = batch.waiting;
        for (int i = 0; i < held.size(); i++) {
            try {
                held.get(i).sendDeferred();
            } catch (RuntimeException e) {
                // never skip the others: each of them would be left with a send nobody starts
                LOG.log(System.Logger.Level.ERROR, "starting a held-back send failed", e);
            }
        }
        if (held.size() > SHRINK_ABOVE) {
            batch.waiting = new ArrayList<>(); // one large fan-out must not pin its array to the thread
        } else {
            held.clear();
        }
    }
}
