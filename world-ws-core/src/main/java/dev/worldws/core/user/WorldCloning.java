package dev.worldws.core.user;

import dev.worldws.api.TemplateName;
import dev.worldws.api.UserId;
import dev.worldws.api.WorldKey;
import dev.worldws.api.WorldName;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.api.world.World;
import java.util.Objects;

/** Templates to private worlds: the plan's world-cloning functions. Thread-safe; calls may block on I/O. */
public final class WorldCloning {
    private final WorldStore store;

    private WorldCloning(WorldStore store) {
        this.store = store;
    }

    public static WorldCloning of(WorldStore store) {
        return new WorldCloning(Objects.requireNonNull(store, "store"));
    }

    /**
     * Copies a template into the user's space as {@code worldName}, recording
     * {@code {originalTemplate, clonedFor, clonedAt}} in its config.
     *
     * @throws dev.worldws.api.TemplateNotFoundException if the template does not exist
     * @throws dev.worldws.api.WorldExistsException if the user already has a world of that name
     */
    public World cloneWorldFromTemplate(TemplateName template, UserId user, WorldName worldName) {
        return store.cloneFromTemplate(template, new WorldKey(user, worldName));
    }

    /**
     * Reads one of the user's worlds.
     *
     * @throws dev.worldws.api.WorldNotFoundException if the user has no world of that name
     * @throws dev.worldws.api.CorruptWorldException if a stored file cannot be parsed
     */
    public World loadUserWorld(UserId user, WorldName worldName) {
        return store.load(new WorldKey(user, worldName));
    }

    /**
     * Replaces one of the user's worlds, atomically; the last save wins.
     *
     * @throws dev.worldws.api.WorldNotFoundException if the world does not exist
     */
    public void saveUserWorld(UserId user, WorldName worldName, World world) {
        store.save(new WorldKey(user, worldName), world);
    }

    /** Whether {@code templateName} is a valid name of an existing template; never throws for bad input. */
    public boolean isValidTemplate(String templateName) {
        return TemplateName.isValid(templateName) && store.templateExists(TemplateName.of(templateName));
    }
}
