package dev.worldws.api.world;

import dev.worldws.api.AgentId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable snapshot of a whole world: config, agents (in id order), chats and event log.
 * Templates and user worlds have the same shape; a template simply has no {@link WorldConfig#metadata()}.
 *
 * <p>The event log grows in amortised constant time ({@link #withEventAppended}) and keeps its entries packed into
 * bytes, as each agent's memory does: a long conversation costs the garbage collector nothing while it is loaded,
 * but every {@code get} builds its entry anew (equal, not the same instance). Code that runs on every message should
 * read the end of the log, not all of it; {@link Lists} answers what is known without reading (whether one log grew
 * from another, its chats).
 */
public record World(WorldConfig config, List<Agent> agents, List<Chat> chats, List<EventLogEntry> events) {
    public World {
        Objects.requireNonNull(config, "config");
        agents = List.copyOf(agents);
        chats = List.copyOf(chats);
        events = GrowingList.copyOf(events, EventLogEntryCodec.INSTANCE);
    }

    public Optional<Agent> agent(AgentId id) {
        // a loop, not a stream: looked up several times per chat message, and a stream is five objects a call
        for (Agent agent : agents) {
            if (agent.id().equals(id)) {
                return Optional.of(agent);
            }
        }
        return Optional.empty();
    }

    public World withConfig(WorldConfig newConfig) {
        return new World(newConfig, agents, chats, events);
    }

    /** A copy in which the agent with the same id is replaced by {@code agent}, or {@code agent} is added. */
    public World withAgent(Agent agent) {
        List<Agent> replaced = new ArrayList<>(agents.size() + 1);
        boolean found = false;
        for (Agent existing : agents) {
            if (existing.id().equals(agent.id())) {
                replaced.add(agent);
                found = true;
            } else {
                replaced.add(existing);
            }
        }
        if (!found) {
            replaced.add(agent);
            replaced.sort((a, b) -> a.id().compareTo(b.id()));
        }
        return new World(config, replaced, chats, events);
    }

    public World withChats(List<Chat> newChats) {
        return new World(config, agents, newChats, events);
    }

    public World withEvents(List<EventLogEntry> newEvents) {
        return new World(config, agents, chats, newEvents);
    }

    /**
     * A copy with {@code entry} appended to the event log, in amortised constant time: the new log shares its
     * storage with this one (which stays unchanged), so a long conversation does not make each message slower.
     */
    public World withEventAppended(EventLogEntry entry) {
        return new World(config, agents, chats, ((GrowingList<EventLogEntry>) events).plus(entry, EventLogEntryCodec.INSTANCE));
    }
}
