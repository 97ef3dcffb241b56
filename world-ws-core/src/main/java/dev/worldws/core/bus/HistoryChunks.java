package dev.worldws.core.bus;

/**
 * The free chunks of one bus's replay histories: a history takes a chunk when its last one is full and gives a
 * chunk back when trimming has left it behind, so that a busy world's history, once grown, allocates nothing: its
 * chunks go round between its head and its tail, or to another world's.
 *
 * <p>Why a pool: a history's bytes live some seconds (its window), longer than a young collection lets anything
 * stay young. Each new chunk is therefore copied by the collector and promoted; a chunk that then became garbage
 * would be old garbage, collected only by a marking cycle. Reused, an old chunk is neither copied nor left behind.
 *
 * <p>At most {@code capacity} chunks are kept; a chunk given back beyond that, or of another size, is left to the
 * collector. Thread-safe: topics on any thread share one pool; both calls hold its lock for a few instructions.
 */
final class HistoryChunks {
    /** The size of a pooled chunk. */
    static final int CHUNK_BYTES = 2048;
    /** Free chunks kept by a bus by default: 4 MiB. */
    static final int DEFAULT_CAPACITY = 2048;

    private final byte[][] free;
    private int count;

    HistoryChunks(int capacity) {
        this.free = new byte[capacity][];
    }

    /** A chunk of {@link #CHUNK_BYTES}, pooled or new; its bytes are not cleared. */
    byte[] take() {
        synchronized (this) {
            if (count > 0) {
                byte[] chunk = free[--count];
                free[count] = null;
                return chunk;
            }
        }
        return new byte[CHUNK_BYTES];
    }

    /** Keeps {@code chunk} for a later {@link #take()} if it is of the pooled size and there is room. */
    void give(byte[] chunk) {
        if (chunk.length != CHUNK_BYTES) {
            return;
        }
        synchronized (this) {
            if (count < free.length) {
                free[count++] = chunk;
            }
        }
    }

    /** Chunks kept; for tests. */
    synchronized int size() {
        return count;
    }
}
