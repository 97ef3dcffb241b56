package dev.worldws.api.protocol;

import java.util.Optional;

/**
 * The message types a server sends:
 * {@code {"type": T, "replyTo": "...", "seq": N, "timestamp": "...", "payload": {...}}}.
 */
public enum ServerMessageType {
    CONNECTED("connected"),
    WORLD_SELECTED("world_selected"),
    CHAT_RESPONSE("chat_response"),
    EVENT_STREAM("event_stream"),
    AGENT_UPDATED("agent_updated"),
    WORLD_RELOADED("world_reloaded"),
    STATUS("status"),
    ERROR("error"),
    PONG("pong"),
    CHAT_HISTORY("chat_history");

    private final String wireName;

    ServerMessageType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<ServerMessageType> fromWireName(String name) {
        for (ServerMessageType type : values()) {
            if (type.wireName.equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
