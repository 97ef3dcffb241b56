package dev.worldws.api.spi;

import java.util.Objects;

/**
 * A point in a topic's event stream: the last sequence number seen, within an epoch. An epoch names one
 * unbroken run of sequence numbers; it changes when numbering restarts (a restarted in-memory bus, a forgotten
 * topic), so a client never mistakes a new event 5 for the old event 5.
 */
public record StreamPosition(long seq, String epoch) {
    public StreamPosition {
        if (seq < 0) {
            throw new IllegalArgumentException("seq must not be negative (was " + seq + ")");
        }
        Objects.requireNonNull(epoch, "epoch");
    }
}
