package dev.worldws.core;

/**
 * The limits that keep one connection from hurting the server or anybody else.
 *
 * @param maxMessageBytes the largest inbound text frame, in UTF-8 bytes (default 64 KiB); larger frames get
 *        {@code message_too_large}
 * @param ratePerSecond messages a connection may send per second, sustained (token bucket refill; default 20)
 * @param rateBurst messages a connection may send in a burst (token bucket size; default 60)
 * @param maxRejectedInARow rate-limited messages in a row after which the connection is closed with
 *        {@code 1008 POLICY_VIOLATION} (default 100)
 * @param maxQueuedMessages outbound messages waiting for a slow client before it is closed with
 *        {@code 4409 SLOW_CONSUMER} (default 1024)
 * @param maxQueuedBytes outbound UTF-8 bytes waiting for a slow client before it is closed (default 4 MiB)
 * @param maxPendingRequests requests of one connection waiting to be handled; more get {@code busy} (default 64)
 * @param maxConnections open connections at most; more are closed with {@code 1013 TRY_AGAIN_LATER}
 *        (default 0: unlimited)
 */
public record Limits(int maxMessageBytes, double ratePerSecond, int rateBurst, int maxRejectedInARow,
        int maxQueuedMessages, long maxQueuedBytes, int maxPendingRequests, int maxConnections) {

    public Limits {
        require(maxMessageBytes >= 64, "maxMessageBytes must be at least 64 (was %s)", maxMessageBytes);
        require(ratePerSecond > 0, "ratePerSecond must be positive (was %s)", ratePerSecond);
        require(rateBurst >= 1, "rateBurst must be at least 1 (was %s)", rateBurst);
        require(maxRejectedInARow >= 1, "maxRejectedInARow must be at least 1 (was %s)", maxRejectedInARow);
        require(maxQueuedMessages >= 1, "maxQueuedMessages must be at least 1 (was %s)", maxQueuedMessages);
        require(maxQueuedBytes >= 1, "maxQueuedBytes must be at least 1 (was %s)", maxQueuedBytes);
        require(maxPendingRequests >= 1, "maxPendingRequests must be at least 1 (was %s)", maxPendingRequests);
        require(maxConnections >= 0, "maxConnections must not be negative (was %s)", maxConnections);
    }

    /** The defaults described above. */
    public static Limits defaults() {
        return new Limits(64 * 1024, 20, 60, 100, 1024, 4L * 1024 * 1024, 64, 0);
    }

    public Limits withMaxMessageBytes(int bytes) {
        return new Limits(bytes, ratePerSecond, rateBurst, maxRejectedInARow, maxQueuedMessages, maxQueuedBytes,
                maxPendingRequests, maxConnections);
    }

    public Limits withRate(double perSecond, int burst) {
        return new Limits(maxMessageBytes, perSecond, burst, maxRejectedInARow, maxQueuedMessages, maxQueuedBytes,
                maxPendingRequests, maxConnections);
    }

    public Limits withMaxRejectedInARow(int rejected) {
        return new Limits(maxMessageBytes, ratePerSecond, rateBurst, rejected, maxQueuedMessages, maxQueuedBytes,
                maxPendingRequests, maxConnections);
    }

    public Limits withOutboundQueue(int messages, long bytes) {
        return new Limits(maxMessageBytes, ratePerSecond, rateBurst, maxRejectedInARow, messages, bytes,
                maxPendingRequests, maxConnections);
    }

    public Limits withMaxPendingRequests(int pending) {
        return new Limits(maxMessageBytes, ratePerSecond, rateBurst, maxRejectedInARow, maxQueuedMessages,
                maxQueuedBytes, pending, maxConnections);
    }

    public Limits withMaxConnections(int connections) {
        return new Limits(maxMessageBytes, ratePerSecond, rateBurst, maxRejectedInARow, maxQueuedMessages,
                maxQueuedBytes, maxPendingRequests, connections);
    }

    private static void require(boolean condition, String message, Object value) {
        if (!condition) {
            throw new IllegalArgumentException(String.format(message, value));
        }
    }
}
