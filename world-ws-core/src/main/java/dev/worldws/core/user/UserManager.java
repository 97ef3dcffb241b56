package dev.worldws.core.user;

import dev.worldws.api.TemplateName;
import dev.worldws.api.UserId;
import dev.worldws.api.WorldKey;
import dev.worldws.api.WorldName;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.api.world.World;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Users' sessions on their worlds: the plan's user-manager functions.
 *
 * <p>A session is keyed by user and world name, so one user may have several worlds open, and two users' worlds of
 * the same name never meet. A session is <em>non-persistent</em> only if it created its world by cloning and was
 * asked to be; deleting such a session deletes its world (and the user's space once no world is left), as the
 * plan does for anonymous users. A session never deletes a world it did not create.
 *
 * <p>Thread-safe: the operations of one user are serialized (by a lock striped over users), those of different
 * users run in parallel. Calls may block on the store's I/O, so do not call them from a transport thread.
 */
public final class UserManager {
    private static final int LOCK_STRIPES = 64;

    private final WorldStore store;
    private final Clock clock;
    private final ConcurrentMap<WorldKey, UserSession> sessions = new ConcurrentHashMap<>();
    private final ReentrantLock[] userLocks = new ReentrantLock[LOCK_STRIPES];

    private UserManager(WorldStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        for (int i = 0; i < LOCK_STRIPES; i++) {
            userLocks[i] = new ReentrantLock();
        }
    }

    /** A manager over {@code store}; session times come from {@code clock}. */
    public static UserManager of(WorldStore store, Clock clock) {
        return new UserManager(Objects.requireNonNull(store, "store"), Objects.requireNonNull(clock, "clock"));
    }

    /**
     * Opens a session on the user's world {@code worldName}: the user's existing world of that name, or else a
     * fresh clone of {@code template}. If a session on that world is open already, it is returned, marked accessed
     * (and made persistent if {@code persistent} is asked for now).
     *
     * @param persistent whether the world outlives the session; ignored (true) when the world existed already
     * @throws dev.worldws.api.TemplateNotFoundException if the world must be cloned and the template does not exist
     * @throws dev.worldws.api.CorruptWorldException if the existing world cannot be read
     */
    public UserSession createUserSession(UserId user, TemplateName template, WorldName worldName, boolean persistent) {
        Objects.requireNonNull(template, "template");
        WorldKey key = new WorldKey(user, worldName);
        return asUser(user, () -> {
            Instant now = clock.instant();
            UserSession open = sessions.get(key);
            if (open != null) {
                UserSession touched = new UserSession(user, worldName, open.templateName(), open.world(),
                        open.persistent() || persistent, open.createdAt(), now);
                sessions.put(key, touched);
                return touched;
            }
            UserSession session;
            if (store.exists(key)) {
                World world = store.load(key);
                TemplateName origin = world.config().cloneMetadata()
                        .map(metadata -> metadata.originalTemplate()).orElse(template);
                session = new UserSession(user, worldName, origin, world, true, now, now);
            } else {
                World world = store.cloneFromTemplate(template, key);
                session = new UserSession(user, worldName, template, world, persistent, now, now);
            }
            sessions.put(key, session);
            return session;
        });
    }

    /** The open session on the user's world, marked accessed now; empty if there is none. */
    public Optional<UserSession> getUserSession(UserId user, WorldName worldName) {
        WorldKey key = new WorldKey(user, worldName);
        return Optional.ofNullable(sessions.computeIfPresent(key, (k, session) -> session.accessed(clock.instant())));
    }

    /** The user's open sessions, by world name. */
    public List<UserSession> listUserSessions(UserId user) {
        Objects.requireNonNull(user, "user");
        return sessions.values().stream()
                .filter(session -> session.userId().equals(user))
                .sorted(Comparator.comparing(UserSession::worldName))
                .toList();
    }

    /**
     * Ends the session on the user's world. A non-persistent session's world is deleted, and the user's space with
     * it once the user has no world and no session left.
     *
     * @return whether a session was open
     */
    public boolean deleteUserSession(UserId user, WorldName worldName) {
        WorldKey key = new WorldKey(user, worldName);
        return asUser(user, () -> {
            UserSession removed = sessions.remove(key);
            if (removed == null) {
                return false;
            }
            if (!removed.persistent()) {
                store.delete(key);
                if (store.listWorlds(user).isEmpty() && listUserSessions(user).isEmpty()) {
                    store.deleteUserSpace(user);
                }
            }
            return true;
        });
    }

    /** The names of the user's stored worlds, sorted; empty if the user has none. */
    public List<WorldName> listUserWorlds(UserId user) {
        return store.listWorlds(user);
    }

    /**
     * Saves one of the user's worlds, atomically (the last save wins), and makes it the world of the open session
     * on it, if any.
     *
     * @throws dev.worldws.api.WorldNotFoundException if the world does not exist
     */
    public void saveUserWorld(UserId user, WorldName worldName, World world) {
        Objects.requireNonNull(world, "world");
        WorldKey key = new WorldKey(user, worldName);
        asUser(user, () -> {
            store.save(key, world);
            sessions.computeIfPresent(key, (k, session) -> session.withWorld(world, clock.instant()));
            return null;
        });
    }

    /**
     * Clones a template into the user's space without opening a session.
     *
     * @throws dev.worldws.api.TemplateNotFoundException if the template does not exist
     * @throws dev.worldws.api.WorldExistsException if the user already has a world of that name
     */
    public World cloneWorldForUser(UserId user, TemplateName template, WorldName worldName) {
        WorldKey key = new WorldKey(user, worldName);
        return asUser(user, () -> store.cloneFromTemplate(template, key));
    }

    /** How many sessions are open, over all users. */
    public int sessionCount() {
        return sessions.size();
    }

    private <T> T asUser(UserId user, Supplier<T> action) {
        ReentrantLock lock = userLocks[Math.floorMod(Objects.requireNonNull(user, "user").hashCode(), LOCK_STRIPES)];
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }
}
