package dev.worldws.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How the server finds dead connections. A connection that has been silent (no frame, no pong) for
 * {@code interval} is pinged (if its transport can); one silent for {@code interval + timeout} is closed with
 * {@code 4408 HEARTBEAT_TIMEOUT}. Detection is the engine's own, on its clock: a container's idle timer is not
 * relied on, since the server's own pings reset it (tyrus#637).
 *
 * @param interval silence before a ping (default 25 s)
 * @param timeout further silence before the close (default 20 s)
 */
public record Heartbeat(Duration interval, Duration timeout) {
    public Heartbeat {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        if (interval.isNegative() || interval.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("heartbeat interval and timeout must be positive (were " + interval
                    + ", " + timeout + ")");
        }
    }

    public static Heartbeat defaults() {
        return new Heartbeat(Duration.ofSeconds(25), Duration.ofSeconds(20));
    }

    public static Heartbeat of(Duration interval, Duration timeout) {
        return new Heartbeat(interval, timeout);
    }

    /** How often the engine checks its connections: a quarter of the shorter duration, at least 10 ms. */
    Duration checkPeriod() {
        Duration shorter = interval.compareTo(timeout) < 0 ? interval : timeout;
        Duration quarter = shorter.dividedBy(4);
        return quarter.toMillis() < 10 ? Duration.ofMillis(10) : quarter;
    }
}
