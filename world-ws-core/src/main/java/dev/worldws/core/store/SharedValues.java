package dev.worldws.core.store;

import dev.worldws.api.TemplateName;
import dev.worldws.api.world.Agent;
import dev.worldws.api.world.World;
import dev.worldws.api.world.WorldConfig;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One instance of each value that the worlds cloned from a template hold unchanged: the agents' configs and
 * prompts, the chats, the world config's strings and extra fields. Each loaded world would otherwise keep its own
 * parsed copy of all of them, which was most of an idle world's heap (some 3 KiB of strings per world of the sample
 * template even with the JVM's string deduplication, whose table G1 then walked in every young pause).
 *
 * <p>Only a template's values are learnt, each template once, the first time a world cloned from it is read
 * ({@link #learn}); a value of a world is replaced by the learnt one only if the two are equal, so sharing never
 * changes what a world holds. A template edited while the store runs is shared as it was first read: worlds that
 * differ from that simply keep their own values. All values are immutable (records, strings, frozen maps).
 *
 * <p>Thread-safe. Bounded by the templates that worlds name ({@link #MAX_TEMPLATES} at most), never by the number
 * of worlds.
 */
final class SharedValues {
    /** Past this many templates nothing more is learnt (a data folder naming ever new templates cannot grow it). */
    static final int MAX_TEMPLATES = 1024;

    private final Map<Object, Object> values = new ConcurrentHashMap<>();
    private final Map<TemplateName, Boolean> learnt = new ConcurrentHashMap<>();

    /**
     * Learns the values of {@code template}, read by {@code read}, unless it was learnt (or tried) before.
     * A template that cannot be read is not tried again: its worlds keep their own values.
     */
    void learn(TemplateName template, Function<TemplateName, World> read) {
        if (learnt.size() >= MAX_TEMPLATES || learnt.putIfAbsent(template, Boolean.TRUE) != null) {
            return;
        }
        World world;
        try {
            world = read.apply(template);
        } catch (RuntimeException e) {
            return; // gone or unreadable: nothing to share, and the world being read does not depend on it
        }
        WorldConfig config = world.config();
        add(config.name());
        add(config.description());
        add(config.mainAgent());
        add(config.currentChatId());
        add(config.extra());
        for (Agent agent : world.agents()) {
            add(agent.config());
            add(agent.systemPrompt());
        }
        world.chats().forEach(this::add);
    }

    /** {@code world} with every part equal to a learnt value replaced by that value; the same world otherwise. */
    World share(World world) {
        if (values.isEmpty()) {
            return world;
        }
        WorldConfig c = world.config();
        WorldConfig config = new WorldConfig(c.id(), find(c.name()), find(c.description()), c.turnLimit(),
                find(c.mainAgent()), find(c.currentChatId()), c.metadata(), find(c.extra()));
        return new World(config,
                world.agents().stream().map(a -> new Agent(find(a.config()), find(a.systemPrompt()), a.memory())).toList(),
                world.chats().stream().map(this::find).toList(),
                world.events());
    }

    /** The learnt value equal to {@code value} (of the same class), or {@code value}. */
    @SuppressWarnings("unchecked")
    <T> T find(T value) {
        if (value == null) {
            return null;
        }
        Object known = values.get(value);
        return known != null && known.getClass() == value.getClass() ? (T) known : value;
    }

    private void add(Object value) {
        if (value != null) {
            values.putIfAbsent(value, value);
        }
    }
}
