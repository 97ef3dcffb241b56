package dev.worldws.api.protocol;

import java.util.Set;

/**
 * {@code event_subscribe}: choose which world events this connection receives. Each field narrows the stream;
 * an absent field does not. A new subscribe replaces the previous filter.
 *
 * @param eventTypes the event channels wanted ({@code message}, {@code stream}, {@code world}, {@code system});
 *        {@code null} for all
 * @param agentFilter agent ids whose events are wanted (events of other agents are dropped; events not made by
 *        an agent pass); {@code null} for all
 * @param chatId the only chat whose events are wanted; {@code null} for all
 */
public record EventSubscribe(Set<String> eventTypes, Set<String> agentFilter, String chatId) implements ClientRequest {
    /** The event type names a filter may hold: the wire names of {@link dev.worldws.api.event.Channel}. */
    public static final Set<String> EVENT_TYPES = Set.of("message", "stream", "world", "system");

    public EventSubscribe {
        eventTypes = eventTypes == null ? null : Set.copyOf(eventTypes);
        agentFilter = agentFilter == null ? null : Set.copyOf(agentFilter);
    }

    @Override
    public ClientMessageType messageType() {
        return ClientMessageType.EVENT_SUBSCRIBE;
    }
}
