package dev.worldws.api.spi;

import dev.worldws.api.TemplateName;
import dev.worldws.api.UserId;
import dev.worldws.api.WorldKey;
import dev.worldws.api.WorldName;
import dev.worldws.api.world.World;
import java.util.List;

/**
 * Where templates and users' worlds live.
 *
 * <p><b>Templates</b> are read-only: no method of a store ever writes, moves or deletes anything under them.
 * <b>User worlds</b> are private: a {@link WorldKey} names exactly one user's world, and nothing reachable
 * through one user's key touches another user's data.
 *
 * <p><b>Threading:</b> implementations are thread-safe. Calls may block on I/O, so the core never calls a store
 * from a transport thread. Writes of one world are serialized and atomic: a reader sees the old world or the new
 * one, never a mix, and of two concurrent saves of the same world the later one wins whole. Each stored file is
 * replaced atomically, so a crash leaves every file whole (a save cut short by a crash may have replaced some of
 * a world's files and not yet others).
 *
 * <p><b>Errors:</b> every method throws only subtypes of {@link dev.worldws.api.WorldWsException}:
 * {@link dev.worldws.api.TemplateNotFoundException}, {@link dev.worldws.api.WorldNotFoundException},
 * {@link dev.worldws.api.WorldExistsException}, {@link dev.worldws.api.CorruptWorldException} (naming the file),
 * {@link dev.worldws.api.StorageException} (I/O failed; stored data is unchanged) and
 * {@link dev.worldws.api.ReadOnlyTemplateException}.
 *
 * <p>Every implementation passes {@code dev.worldws.testkit.WorldStoreContract} unchanged.
 */
public interface WorldStore {

    /** The names of all templates, sorted. */
    List<TemplateName> listTemplates();

    /** Whether a template of this name exists. */
    boolean templateExists(TemplateName template);

    /**
     * Reads a template.
     *
     * @throws dev.worldws.api.TemplateNotFoundException if there is none of that name
     */
    World loadTemplate(TemplateName template);

    /** Creates the user's space if it does not exist yet; idempotent. */
    void createUserSpace(UserId user);

    /**
     * The users that have a space (created by {@link #createUserSpace} or a clone, and not deleted since), sorted.
     * The engine reads it at start to find anonymous users a previous run left behind, so that their worlds are
     * deleted after the grace period like those of any anonymous user who left.
     */
    List<UserId> listUsers();

    /** Deletes the user's space and every world in it; idempotent; never touches templates or other users. */
    void deleteUserSpace(UserId user);

    /**
     * Copies a template into the user's space as a new world, creating the user's space if needed, and records
     * {@code {originalTemplate, clonedFor, clonedAt}} in the new world's config.
     *
     * @return the new world as stored
     * @throws dev.worldws.api.TemplateNotFoundException if the template does not exist
     * @throws dev.worldws.api.WorldExistsException if the user already has a world of that name
     */
    World cloneFromTemplate(TemplateName template, WorldKey target);

    /**
     * Reads a user's world.
     *
     * @throws dev.worldws.api.WorldNotFoundException if the user has no world of that name
     * @throws dev.worldws.api.CorruptWorldException if a stored file cannot be parsed (the file is left as it is)
     */
    World load(WorldKey key);

    /**
     * Replaces a user's world with {@code world}, atomically.
     *
     * @throws dev.worldws.api.WorldNotFoundException if the world does not exist (it was never cloned, or was
     *         deleted): a save never resurrects a deleted world
     */
    void save(WorldKey key, World world);

    /**
     * Tells the store that the caller has unloaded this world (its last save has returned), so that the store can
     * drop anything it keeps in memory to make the world's next save cheaper. Never changes stored data; the
     * world may be loaded again at any time. Unlike the other methods it is called on the engine's own threads, so
     * it must return at once and never do I/O. The default does nothing.
     */
    default void release(WorldKey key) {
        // a store that keeps nothing per world has nothing to drop
    }

    /** The names of the user's worlds, sorted; empty if the user has no space. */
    List<WorldName> listWorlds(UserId user);

    /** Whether the user has a world of that name. */
    boolean exists(WorldKey key);

    /**
     * Deletes one of a user's worlds.
     *
     * @return whether there was something to delete
     */
    boolean delete(WorldKey key);
}
