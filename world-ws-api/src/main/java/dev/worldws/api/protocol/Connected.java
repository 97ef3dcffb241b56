package dev.worldws.api.protocol;

import java.util.Objects;

/**
 * {@code connected}: the first message on every connection.
 *
 * @param clientId this connection's id (a UUID)
 * @param userId the user the connection acts for ({@code anon-<uuid>} for anonymous users)
 * @param anonymous whether the user is anonymous (its worlds are deleted a grace period after it leaves)
 * @param resumeToken for anonymous users: present it as the {@code resumeToken} query parameter of the next
 *        handshake to get the same user id back within the grace period; {@code null} for known users
 * @param heartbeatIntervalMillis how often the server expects a sign of life; a client without ping frames sends
 *        {@code ping} at least this often
 * @param maxMessageBytes the largest text frame the server accepts
 */
public record Connected(String clientId, String userId, boolean anonymous, String resumeToken,
        long heartbeatIntervalMillis, int maxMessageBytes) implements ServerPayload {
    public Connected {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(userId, "userId");
    }

    @Override
    public ServerMessageType messageType() {
        return ServerMessageType.CONNECTED;
    }
}
