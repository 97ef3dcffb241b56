package dev.worldws.api.protocol;

import java.util.Optional;

/** The message types a client may send: {@code {"type": T, "id": "...", "payload": {...}}}. */
public enum ClientMessageType {
    WORLD_SELECT("world_select"),
    CHAT_SEND("chat_send"),
    AGENT_UPDATE("agent_update"),
    WORLD_RELOAD("world_reload"),
    EVENT_SUBSCRIBE("event_subscribe"),
    EVENT_UNSUBSCRIBE("event_unsubscribe"),
    PING("ping"),
    CHAT_HISTORY("chat_history");

    private final String wireName;

    ClientMessageType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<ClientMessageType> fromWireName(String name) {
        for (ClientMessageType type : values()) {
            if (type.wireName.equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
