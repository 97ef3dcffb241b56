package dev.worldws.api.protocol;

import java.util.Objects;

/**
 * {@code event_stream}: a world event other than a reply step or a state change.
 *
 * @param eventType the channel: {@code message}, {@code world} or {@code system}
 * @param event the event
 */
public record EventStream(String eventType, EventView event) implements ServerPayload {
    public EventStream {
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(event, "event");
    }

    @Override
    public ServerMessageType messageType() {
        return ServerMessageType.EVENT_STREAM;
    }
}
