package dev.worldws.tyrus.client;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to try again after a connection drops: exponential backoff with full jitter. Attempt {@code n} (from 0)
 * waits a uniformly random time in {@code [0, min(max, initial * 2^n)]}, which spreads a crowd of clients that
 * lost the same server instead of having them return in waves.
 *
 * @param initial the cap of the first wait (default 500 ms)
 * @param max the largest cap (default 20 s)
 * @param maxAttempts attempts before giving up; {@code 0} never gives up (default)
 */
public record ReconnectPolicy(Duration initial, Duration max, int maxAttempts) {
    /** The defaults: 0.5 s doubling up to 20 s, full jitter, forever (as Centrifugo's clients do). */
    public static final ReconnectPolicy DEFAULT = new ReconnectPolicy(Duration.ofMillis(500), Duration.ofSeconds(20), 0);
    /** Never reconnect. */
    public static final ReconnectPolicy NEVER = new ReconnectPolicy(Duration.ZERO, Duration.ZERO, -1);

    public ReconnectPolicy {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 <= initial <= max (were " + initial + ", " + max + ")");
        }
    }

    /** Whether attempt {@code attempt} (from 0) may be made at all. */
    public boolean allows(int attempt) {
        return maxAttempts == 0 || attempt < maxAttempts;
    }

    /** The cap of attempt {@code attempt}'s wait: {@code min(max, initial * 2^attempt)}. */
    public Duration cap(int attempt) {
        long initialMillis = initial.toMillis();
        long capMillis = attempt >= 31 ? max.toMillis()
                : Math.min(max.toMillis(), initialMillis * (1L << Math.min(attempt, 30)));
        return Duration.ofMillis(Math.max(0, capMillis));
    }

    /** A random wait for attempt {@code attempt}, between 0 and {@link #cap(int)}. */
    public Duration delay(int attempt) {
        long cap = cap(attempt).toMillis();
        return Duration.ofMillis(cap == 0 ? 0 : ThreadLocalRandom.current().nextLong(cap + 1));
    }
}
