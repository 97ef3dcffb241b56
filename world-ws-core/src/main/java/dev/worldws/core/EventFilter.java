package dev.worldws.core;

import dev.worldws.api.event.AgentUpdatedEvent;
import dev.worldws.api.event.MessageEvent;
import dev.worldws.api.event.SenderType;
import dev.worldws.api.event.StreamEvent;
import dev.worldws.api.event.WorldEvent;
import dev.worldws.api.event.WorldReloadedEvent;
import dev.worldws.api.protocol.EventSubscribe;
import dev.worldws.api.protocol.EventUnsubscribe;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One connection's choice of world events (from {@code event_subscribe}/{@code event_unsubscribe}). State changes
 * ({@code agent_updated}, {@code world_reloaded}) always pass, so a client's view of the world never goes stale.
 *
 * @param eventTypes channels wanted; {@code null} for all
 * @param agents agent ids (lower-case) whose events are wanted; {@code null} for all
 * @param chatId the one chat wanted; {@code null} for all
 */
record EventFilter(Set<String> eventTypes, Set<String> agents, String chatId) {
    static final EventFilter ALL = new EventFilter(null, null, null);

    static EventFilter of(EventSubscribe subscribe) {
        Set<String> agents = null;
        if (subscribe.agentFilter() != null) {
            agents = new HashSet<>();
            for (String agent : subscribe.agentFilter()) {
                agents.add(agent.toLowerCase(Locale.ROOT));
            }
        }
        return new EventFilter(subscribe.eventTypes(), agents == null ? null : Set.copyOf(agents), subscribe.chatId());
    }

    EventFilter without(EventUnsubscribe unsubscribe) {
        if (unsubscribe.eventTypes() == null) {
            return new EventFilter(Set.of(), agents, chatId);
        }
        Set<String> remaining = new HashSet<>(eventTypes == null ? EventSubscribe.EVENT_TYPES : eventTypes);
        remaining.removeAll(unsubscribe.eventTypes());
        return new EventFilter(Set.copyOf(remaining), agents, chatId);
    }

    boolean accepts(WorldEvent event) {
        if (event instanceof AgentUpdatedEvent || event instanceof WorldReloadedEvent) {
            return true;
        }
        if (eventTypes != null && !eventTypes.contains(event.channel().wireName())) {
            return false;
        }
        if (chatId != null && !chatId.equals(event.chatId())) {
            return false;
        }
        if (agents != null) {
            if (event instanceof StreamEvent stream) {
                return agents.contains(stream.agentId().toLowerCase(Locale.ROOT));
            }
            if (event instanceof MessageEvent message && message.senderType() == SenderType.AGENT) {
                return agents.contains(message.sender().toLowerCase(Locale.ROOT));
            }
        }
        return true;
    }

    /** The filter as {@code status} data: what the connection now receives. */
    Map<String, Object> describe() {
        return Map.of(
                "eventTypes", new TreeSet<>(eventTypes == null ? EventSubscribe.EVENT_TYPES : eventTypes).stream().toList(),
                "agentFilter", agents == null ? "all" : new TreeSet<>(agents).stream().toList(),
                "chatId", chatId == null ? "all" : chatId);
    }
}
