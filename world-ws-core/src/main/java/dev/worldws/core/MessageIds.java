package dev.worldws.core;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Message ids ({@code msg-} and a UUID-shaped, version-4-formatted text, as {@code "msg-" + UUID.randomUUID()} gave)
 * without a {@link SecureRandom} call per id: {@code UUID.randomUUID()} reads the system's random source under a
 * lock, and every chat message and every agent reply needs an id, so the worlds' threads queued on it.
 *
 * <p>Unique within the process by construction: the upper half is drawn once per process from {@link SecureRandom},
 * the lower 62 bits are a counter passed through a bijection (so consecutive ids do not show how many messages the
 * server handles). Across processes (nodes of a cluster, restarts sharing a store) two ids collide only if their
 * 60 random upper bits are equal. Ids are not secrets: they name messages to their own world's clients.
 *
 * <p>Thread-safe and lock-free.
 */
final class MessageIds {
    private static final long LOW_62 = (1L << 62) - 1;
    private static final long PROCESS_BITS;
    private static final AtomicLong COUNTER;

    static {
        SecureRandom random = new SecureRandom();
        // version 4 in bits 12-15 of the upper half, as a random UUID has
        PROCESS_BITS = (random.nextLong() & ~0xF000L) | 0x4000L;
        COUNTER = new AtomicLong(random.nextLong());
    }

    private MessageIds() {}

    /** A new message id: {@code msg-xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx}. */
    static String next() {
        return "msg-" + new UUID(PROCESS_BITS, Long.MIN_VALUE | scramble(COUNTER.getAndIncrement()));
    }

    /** A bijection of the low 62 bits (odd multipliers and right xor-shifts each are one). */
    static long scramble(long counter) {
        long x = counter & LOW_62;
        x = (x * 0x9E37_79B9_7F4A_7C15L) & LOW_62;
        x ^= x >>> 31;
        x = (x * 0xBF58_476D_1CE4_E5B9L) & LOW_62;
        x ^= x >>> 29;
        return x;
    }
}
