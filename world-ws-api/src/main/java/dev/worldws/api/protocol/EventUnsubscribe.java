package dev.worldws.api.protocol;

import java.util.Set;

/**
 * {@code event_unsubscribe}: stop receiving some or all world events.
 *
 * @param eventTypes the channels to stop ({@code message}, {@code stream}, {@code world}, {@code system});
 *        {@code null} stops all of them until the next {@code event_subscribe}
 */
public record EventUnsubscribe(Set<String> eventTypes) implements ClientRequest {
    public EventUnsubscribe {
        eventTypes = eventTypes == null ? null : Set.copyOf(eventTypes);
    }

    @Override
    public ClientMessageType messageType() {
        return ClientMessageType.EVENT_UNSUBSCRIBE;
    }
}
