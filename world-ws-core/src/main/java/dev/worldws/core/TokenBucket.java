package dev.worldws.core;

/** A token bucket on a caller-supplied millisecond clock. Not thread-safe: one connection's inbound thread uses it. */
final class TokenBucket {
    private final double perMilli;
    private final double capacity;
    private double tokens;
    private long lastRefill;

    TokenBucket(double perSecond, int burst, long nowMillis) {
        this.perMilli = perSecond / 1000.0;
        this.capacity = burst;
        this.tokens = burst;
        this.lastRefill = nowMillis;
    }

    boolean tryTake(long nowMillis) {
        if (nowMillis > lastRefill) {
            tokens = Math.min(capacity, tokens + (nowMillis - lastRefill) * perMilli);
            lastRefill = nowMillis;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
