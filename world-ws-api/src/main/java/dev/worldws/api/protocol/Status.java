package dev.worldws.api.protocol;

import dev.worldws.api.world.Extras;
import java.util.Map;
import java.util.Objects;

/**
 * {@code status}: an acknowledgement of a request, or a notice from the server.
 *
 * @param type what happened, for example {@code message_accepted}, {@code subscribed} or {@code server_shutdown}
 * @param message a human-readable sentence
 * @param data details, depending on {@code type}
 */
public record Status(String type, String message, Map<String, Object> data) implements ServerPayload {
    public static final String MESSAGE_ACCEPTED = "message_accepted";
    public static final String AGENT_UPDATE_APPLIED = "agent_update_applied";
    public static final String WORLD_RELOAD_APPLIED = "world_reload_applied";
    public static final String SUBSCRIBED = "subscribed";
    public static final String UNSUBSCRIBED = "unsubscribed";
    public static final String SERVER_SHUTDOWN = "server_shutdown";

    public Status {
        Objects.requireNonNull(type, "type");
        message = message == null ? "" : message;
        data = Extras.copyOf(data);
    }

    @Override
    public ServerMessageType messageType() {
        return ServerMessageType.STATUS;
    }
}
