package dev.worldws.api.protocol;

import java.time.Instant;
import java.util.Objects;

/**
 * A message from the server: {@code {"type": T, "replyTo": "...", "seq": N, "timestamp": "...", "payload": {...}}}.
 *
 * @param replyTo the request id this message answers, or {@code null}
 * @param seq the world's sequence number of the event this message carries, or {@code null} if it carries none
 * @param timestamp when the server produced the message (for world events: when the event happened)
 * @param payload the typed payload
 */
public record ServerMessage(String replyTo, Long seq, Instant timestamp, ServerPayload payload) {
    public ServerMessage {
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(payload, "payload");
    }

    public ServerMessageType messageType() {
        return payload.messageType();
    }
}
