package dev.worldws.core;

import dev.worldws.api.UserId;
import dev.worldws.api.WorldKey;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * A snapshot of one open connection, for monitoring and administration.
 *
 * @param clientId the connection's id (a UUID)
 * @param userId the user it acts for
 * @param anonymous whether that user is anonymous
 * @param world the selected world, or {@code null}
 * @param persistent whether the selected world outlives its last connection
 * @param eventTypes the event channels it receives
 * @param agentFilter the agents whose events it receives, or empty for all
 * @param chatId the one chat whose events it receives, or {@code null} for all
 * @param connectedAt when it opened
 * @param messagesIn frames received
 * @param messagesOut messages sent
 * @param bytesIn UTF-8 bytes received
 * @param bytesOut UTF-8 bytes sent
 * @param queuedBytes UTF-8 bytes waiting to be sent now (including the one in flight)
 * @param rejected frames rejected (rate limit, size, malformed)
 */
public record ClientConnection(String clientId, UserId userId, boolean anonymous, WorldKey world, boolean persistent,
        Set<String> eventTypes, Set<String> agentFilter, String chatId, Instant connectedAt, long messagesIn, long messagesOut, long bytesIn, long bytesOut,
        long queuedBytes, long rejected) {

    public ClientConnection {
        eventTypes = Set.copyOf(eventTypes);
        agentFilter = Set.copyOf(agentFilter);
    }

    public Optional<WorldKey> selectedWorld() {
        return Optional.ofNullable(world);
    }
}
