package dev.worldws.core.store;

import dev.worldws.api.world.Agent;
import dev.worldws.api.world.Chat;
import dev.worldws.api.world.EventLogEntry;
import dev.worldws.api.world.Lists;
import dev.worldws.api.world.World;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The canonical order of a stored world's parts, the one a folder listing gives: agents and chats by id, events
 * grouped by chat (chats by id, each chat's events in their saved order). Both stores return worlds in this order,
 * so a world reads back the same from either.
 */
final class WorldOrder {
    private WorldOrder() {}

    static World canonical(World world) {
        List<Agent> agents = new ArrayList<>(world.agents());
        agents.sort(Comparator.comparing(Agent::id));
        List<Chat> chats = new ArrayList<>(world.chats());
        chats.sort(Comparator.comparing(Chat::id));
        List<EventLogEntry> events = world.events();
        if (!Lists.inChatOrder(events)) { // a world's log knows without reading its events, which are packed
            events = new ArrayList<>(events);
            events.sort(Comparator.comparing(EventLogEntry::chatId)); // stable: keeps each chat's order
        }
        return new World(world.config(), agents, chats, events);
    }
}
