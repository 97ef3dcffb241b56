package dev.worldws.core;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits that keep one connection from hurting the server or anybody else.
 *
 * @param maxMessageBytes the largest inbound text frame, in UTF-8 bytes (default 64 KiB); larger frames get
 *        {@code message_too_large}
 * @param ratePerSecond messages a connection may send per second, sustained (token bucket refill; default 20)
 * @param rateBurst messages a connection may send in a burst (token bucket size; default 60)
 * @param maxRejectedInARow rate-limited messages in a row after which the connection is closed with
 *        {@code 1008 POLICY_VIOLATION} (default 100)
 * @param maxRejectedInWindow rate-limited messages within {@code rejectionWindow} after which the connection is
 *        closed with {@code 1008 POLICY_VIOLATION}, even if accepted messages came in between: a client that keeps
 *        sending faster than the rate is abusive, not unlucky (default 100)
 * @param rejectionWindow the sliding window, on the engine's clock, over which rejections are counted (default
 *        10 s; so a client sending at twice the default rate is closed about five seconds after its burst is used up)
 * @param maxQueuedMessages outbound messages waiting for a slow client before it is closed with
 *        {@code 4409 SLOW_CONSUMER} (default 4096: well above the bus history of 256 events that a resume may replay
 *        behind {@code world_selected}, and the agents' stream steps are gathered into pieces of about 32 characters, so even the longest reply stays near 1,000 steps)
 * @param maxQueuedBytes outbound UTF-8 bytes waiting for a slow client before it is closed (default 4 MiB)
 * @param maxPendingRequests requests of one connection waiting to be handled; more get {@code busy} (default 64)
 * @param maxConnections open connections at most; more are closed with {@code 1013 TRY_AGAIN_LATER}
 *        (default 0: unlimited)
 */
public record Limits(int maxMessageBytes, double ratePerSecond, int rateBurst, int maxRejectedInARow,
        int maxRejectedInWindow, Duration rejectionWindow, int maxQueuedMessages, long maxQueuedBytes,
        int maxPendingRequests, int maxConnections) {

    public Limits {
        require(maxMessageBytes >= 64, "maxMessageBytes must be at least 64 (was %s)", maxMessageBytes);
        require(ratePerSecond > 0, "ratePerSecond must be positive (was %s)", ratePerSecond);
        require(rateBurst >= 1, "rateBurst must be at least 1 (was %s)", rateBurst);
        require(maxRejectedInARow >= 1, "maxRejectedInARow must be at least 1 (was %s)", maxRejectedInARow);
        require(maxRejectedInWindow >= 1, "maxRejectedInWindow must be at least 1 (was %s)", maxRejectedInWindow);
        Objects.requireNonNull(rejectionWindow, "rejectionWindow");
        require(!rejectionWindow.isNegative() && !rejectionWindow.isZero(), "rejectionWindow must be positive (was %s)",
                rejectionWindow);
        require(maxQueuedMessages >= 1, "maxQueuedMessages must be at least 1 (was %s)", maxQueuedMessages);
        require(maxQueuedBytes >= 1, "maxQueuedBytes must be at least 1 (was %s)", maxQueuedBytes);
        require(maxPendingRequests >= 1, "maxPendingRequests must be at least 1 (was %s)", maxPendingRequests);
        require(maxConnections >= 0, "maxConnections must not be negative (was %s)", maxConnections);
    }

    /** The defaults described above. */
    public static Limits defaults() {
        return new Limits(64 * 1024, 20, 60, 100, 100, Duration.ofSeconds(10), 4096, 4L * 1024 * 1024, 64, 0);
    }

    public Limits withMaxMessageBytes(int bytes) {
        return new Limits(bytes, ratePerSecond, rateBurst, maxRejectedInARow, maxRejectedInWindow, rejectionWindow,
                maxQueuedMessages, maxQueuedBytes, maxPendingRequests, maxConnections);
    }

    public Limits withRate(double perSecond, int burst) {
        return new Limits(maxMessageBytes, perSecond, burst, maxRejectedInARow, maxRejectedInWindow, rejectionWindow,
                maxQueuedMessages, maxQueuedBytes, maxPendingRequests, maxConnections);
    }

    public Limits withMaxRejectedInARow(int rejected) {
        return new Limits(maxMessageBytes, ratePerSecond, rateBurst, rejected, maxRejectedInWindow, rejectionWindow,
                maxQueuedMessages, maxQueuedBytes, maxPendingRequests, maxConnections);
    }

    /** Closes a connection once {@code rejected} of its frames were rate-limited within {@code window}. */
    public Limits withMaxRejectedInWindow(int rejected, Duration window) {
        return new Limits(maxMessageBytes, ratePerSecond, rateBurst, maxRejectedInARow, rejected, window,
                maxQueuedMessages, maxQueuedBytes, maxPendingRequests, maxConnections);
    }

    public Limits withOutboundQueue(int messages, long bytes) {
        return new Limits(maxMessageBytes, ratePerSecond, rateBurst, maxRejectedInARow, maxRejectedInWindow,
                rejectionWindow, messages, bytes, maxPendingRequests, maxConnections);
    }

    public Limits withMaxPendingRequests(int pending) {
        return new Limits(maxMessageBytes, ratePerSecond, rateBurst, maxRejectedInARow, maxRejectedInWindow,
                rejectionWindow, maxQueuedMessages, maxQueuedBytes, pending, maxConnections);
    }

    public Limits withMaxConnections(int connections) {
        return new Limits(maxMessageBytes, ratePerSecond, rateBurst, maxRejectedInARow, maxRejectedInWindow,
                rejectionWindow, maxQueuedMessages, maxQueuedBytes, maxPendingRequests, connections);
    }

    private static void require(boolean condition, String message, Object value) {
        if (!condition) {
            throw new IllegalArgumentException(String.format(message, value));
        }
    }
}
