package dev.worldws.core.store;

import dev.worldws.api.TemplateName;
import dev.worldws.api.TemplateNotFoundException;
import dev.worldws.api.UserId;
import dev.worldws.api.WorldExistsException;
import dev.worldws.api.WorldKey;
import dev.worldws.api.WorldName;
import dev.worldws.api.WorldNotFoundException;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.api.world.CloneMetadata;
import dev.worldws.api.world.World;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The in-memory {@link WorldStore}: the same rules as the file store, nothing on disk. Worlds are immutable
 * records, so storing the reference is storing a snapshot. Each user's worlds live in a concurrent map whose
 * atomic operations serialize the writes of one world.
 */
final class InMemoryWorldStore implements WorldStore {
    private final Map<TemplateName, World> templates;
    private final Clock clock;
    private final ConcurrentMap<UserId, ConcurrentMap<WorldName, World>> users = new ConcurrentHashMap<>();

    InMemoryWorldStore(Map<TemplateName, World> templates, Clock clock) {
        Map<TemplateName, World> sorted = new TreeMap<>();
        templates.forEach((name, world) -> sorted.put(Objects.requireNonNull(name, "template name"),
                WorldOrder.canonical(Objects.requireNonNull(world, "template world"))));
        this.templates = Collections.unmodifiableMap(sorted);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public List<TemplateName> listTemplates() {
        return List.copyOf(templates.keySet());
    }

    @Override
    public boolean templateExists(TemplateName template) {
        return templates.containsKey(Objects.requireNonNull(template, "template"));
    }

    @Override
    public World loadTemplate(TemplateName template) {
        World world = templates.get(Objects.requireNonNull(template, "template"));
        if (world == null) {
            throw new TemplateNotFoundException("template \"" + template + "\" not found");
        }
        return world;
    }

    @Override
    public void createUserSpace(UserId user) {
        space(user);
    }

    @Override
    public List<UserId> listUsers() {
        List<UserId> names = new ArrayList<>(users.keySet());
        names.sort(null);
        return List.copyOf(names);
    }

    @Override
    public void deleteUserSpace(UserId user) {
        users.remove(Objects.requireNonNull(user, "user"));
    }

    @Override
    public World cloneFromTemplate(TemplateName template, WorldKey target) {
        World source = loadTemplate(template);
        Objects.requireNonNull(target, "target");
        World clone = source.withConfig(source.config()
                .withMetadata(new CloneMetadata(template, target.userId(), FileWorldStore.clonedAt(clock))));
        World previous = space(target.userId()).putIfAbsent(target.worldName(), clone);
        if (previous != null) {
            throw new WorldExistsException("world \"" + target.worldName() + "\" already exists for user \""
                    + target.userId() + "\"");
        }
        return clone;
    }

    @Override
    public World load(WorldKey key) {
        World world = worldsOf(key.userId()).get(key.worldName());
        if (world == null) {
            throw notFound(key);
        }
        return WorldOrder.canonical(world);
    }

    @Override
    public void save(WorldKey key, World world) {
        Objects.requireNonNull(world, "world");
        // kept as given and put in canonical order when loaded: sorting a log whose chats take turns on every save
        // would cost each save the whole conversation, and a load is rare
        if (worldsOf(key.userId()).computeIfPresent(key.worldName(), (name, old) -> world) == null) {
            throw notFound(key);
        }
    }

    @Override
    public List<WorldName> listWorlds(UserId user) {
        List<WorldName> names = new ArrayList<>(worldsOf(user).keySet());
        names.sort(null);
        return List.copyOf(names);
    }

    @Override
    public boolean exists(WorldKey key) {
        return worldsOf(key.userId()).containsKey(key.worldName());
    }

    @Override
    public boolean delete(WorldKey key) {
        return worldsOf(key.userId()).remove(key.worldName()) != null;
    }

    private ConcurrentMap<WorldName, World> space(UserId user) {
        return users.computeIfAbsent(Objects.requireNonNull(user, "user"), id -> new ConcurrentHashMap<>());
    }

    private ConcurrentMap<WorldName, World> worldsOf(UserId user) {
        ConcurrentMap<WorldName, World> worlds = users.get(Objects.requireNonNull(user, "user"));
        return worlds == null ? new ConcurrentHashMap<>() : worlds;
    }

    private static WorldNotFoundException notFound(WorldKey key) {
        return new WorldNotFoundException("world \"" + key.worldName() + "\" not found for user \"" + key.userId() + "\"");
    }
}
