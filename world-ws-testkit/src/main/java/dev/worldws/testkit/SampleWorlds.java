package dev.worldws.testkit;

import dev.worldws.api.AgentId;
import dev.worldws.api.TemplateName;
import dev.worldws.api.world.Agent;
import dev.worldws.api.world.AgentConfig;
import dev.worldws.api.world.Chat;
import dev.worldws.api.world.EventLogEntry;
import dev.worldws.api.world.MemoryItem;
import dev.worldws.api.world.World;
import dev.worldws.api.world.WorldConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small, complete worlds for tests: agents with prompts and memory, a chat, its event log, and unknown JSON fields
 * of every kind in {@code extra}. Parts are in the canonical stored order (agents and chats by id, events grouped
 * by chat) and every value survives JSON: numbers in {@code extra} are {@code int}s or {@code double}s.
 */
public final class SampleWorlds {
    /** The instant sample worlds are created at. */
    public static final Instant CREATED = Instant.parse("2025-06-27T10:00:00.000Z");

    private SampleWorlds() {}

    /** Two templates: {@code garden} (agents {@code gardener}, {@code poet}) and {@code workshop} ({@code smith}). */
    public static Map<TemplateName, World> templates() {
        Map<TemplateName, World> templates = new LinkedHashMap<>();
        templates.put(TemplateName.of("garden"), world("garden", "Garden", "gardener", "poet"));
        templates.put(TemplateName.of("workshop"), world("workshop", "Workshop", "smith"));
        return templates;
    }

    /** A world with the given agents (sorted by id), one chat {@code chat-1} with two logged events. */
    public static World world(String id, String name, String... agentIds) {
        String[] sorted = agentIds.clone();
        Arrays.sort(sorted);
        List<Agent> agents = new ArrayList<>();
        for (String agentId : sorted) {
            agents.add(agent(agentId));
        }
        Map<String, Object> worldExtra = new LinkedHashMap<>();
        worldExtra.put("chatLLMProvider", "ollama");
        worldExtra.put("totalAgents", sorted.length);
        worldExtra.put("variables", "");
        worldExtra.put("heartbeat", nested());
        worldExtra.put("createdAt", "2025-06-27T10:00:00.000Z");
        WorldConfig config = new WorldConfig(id, name, "A sample world called " + name + ".", 5,
                null, "chat-1", null, worldExtra);
        Chat chat = new Chat("chat-1", id, "First chat", CREATED, CREATED.plusSeconds(60), 2,
                Map.of("pinned", true));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("sender", "human");
        meta.put("deliveredToAgents", List.of(sorted));
        List<EventLogEntry> events = List.of(
                new EventLogEntry("evt-1", id, "chat-1", "message",
                        Map.of("content", "Hello, world\nsecond line", "sender", "human"), meta, CREATED, 1,
                        Map.of()),
                new EventLogEntry("evt-2", id, "chat-1", "message",
                        Map.of("content", "Hello yourself", "sender", sorted.length == 0 ? "nobody" : sorted[0]),
                        Map.of(), CREATED.plusSeconds(1), 2, Map.of("threadRootId", "evt-1")));
        return new World(config, agents, List.of(chat), events);
    }

    /** An agent with a prompt, one memory item holding a newline, and extra fields. */
    public static Agent agent(String id) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("status", "inactive");
        extra.put("lastLLMCall", null);
        extra.put("offlineReplies", List.of("Hello {sender}.", "You said: {message}"));
        AgentConfig config = new AgentConfig(AgentId.of(id), displayName(id), "helper", true, true, "offline",
                "none", 0.4, 2048, 0, extra);
        MemoryItem remembered = new MemoryItem("user", "first line\nsecond line", CREATED, "human", "chat-1",
                "msg-1", null, id, Map.of("tool_calls", List.of()));
        return new Agent(config, "You are " + displayName(id) + ".\n\nBe brief.", List.of(remembered));
    }

    /** {@code world} with one more memory item for {@code agentId}, whose content is {@code text}. */
    public static World remember(World world, String agentId, String text) {
        Agent agent = world.agent(AgentId.of(agentId)).orElseThrow();
        MemoryItem item = new MemoryItem("assistant", text, CREATED.plusSeconds(agent.memory().size() + 10L),
                agentId, "chat-1", "msg-" + text.hashCode(), "msg-1", agentId, Map.of());
        return world.withAgent(agent.remember(item));
    }

    private static Map<String, Object> nested() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("enabled", false);
        nested.put("intervalMinutes", 30);
        nested.put("ratio", 1.5);
        nested.put("prompt", null);
        nested.put("tags", List.of("a", 2, true));
        return nested;
    }

    private static String displayName(String id) {
        return Character.toUpperCase(id.charAt(0)) + id.substring(1).replace('-', ' ');
    }
}
