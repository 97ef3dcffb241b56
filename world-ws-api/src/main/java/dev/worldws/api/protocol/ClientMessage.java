package dev.worldws.api.protocol;

import java.util.Objects;

/**
 * A decoded client message.
 *
 * @param id the client's request id, echoed as {@code replyTo} in the answer, or {@code null} if it sent none
 * @param request the typed payload
 */
public record ClientMessage(String id, ClientRequest request) {
    /** Longest request id accepted, in characters. */
    public static final int MAX_ID_LENGTH = 128;

    public ClientMessage {
        Objects.requireNonNull(request, "request");
    }

    public ClientMessageType messageType() {
        return request.messageType();
    }
}
