package dev.worldws.tyrus;

import dev.worldws.core.Principal;
import java.util.Map;

/**
 * What {@link EngineConfigurator#modifyHandshake} decided, carried to {@link WorldWsEndpoint#onOpen} in the
 * connection's user properties (a per-connection copy since Jakarta WebSocket 2.1).
 *
 * @param principal the authenticated user, or {@code null} if refused
 * @param refusal why the handshake was refused, or {@code null}
 * @param remoteAddress the client's address as far as the container tells it
 */
record HandshakeOutcome(Principal principal, String refusal, String remoteAddress) {
    static final String KEY = "dev.worldws.tyrus.handshake";

    static HandshakeOutcome of(Map<String, Object> userProperties) {
        Object value = userProperties.get(KEY);
        if (value instanceof HandshakeOutcome outcome) {
            return outcome;
        }
        // only a container that skipped modifyHandshake gets here; refuse rather than guess an identity
        return new HandshakeOutcome(null, "handshake was not authenticated", "unknown");
    }
}
