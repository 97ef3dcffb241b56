package dev.worldws.core.user;

import dev.worldws.api.UserId;
import dev.worldws.api.WorldKey;
import dev.worldws.api.WorldName;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.core.store.StorageLayout;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A user's storage space: the plan's user-storage functions. Thread-safe; every call may block on I/O.
 *
 * <p>Names arrive as validated records, so no call can reach outside the user's folder.
 */
public final class UserStorage {
    private final WorldStore store;
    private final StorageLayout layout;

    private UserStorage(WorldStore store, StorageLayout layout) {
        this.store = store;
        this.layout = layout;
    }

    /**
     * User storage over {@code store}, whose folders are laid out as {@code layout} says (for the file store,
     * the layout of its data directory).
     */
    public static UserStorage of(WorldStore store, StorageLayout layout) {
        return new UserStorage(Objects.requireNonNull(store, "store"), Objects.requireNonNull(layout, "layout"));
    }

    /** Creates the user's space if it does not exist; idempotent. */
    public void createUserDirectory(UserId user) {
        store.createUserSpace(user);
    }

    /** The folder of a user's world: {@code {dataDir}/users/{userId}/worlds/{worldName}} (whether or not it exists). */
    public Path getUserWorldPath(UserId user, WorldName world) {
        return layout.worldDir(new WorldKey(user, world));
    }

    /** Deletes the user's space with every world in it; idempotent; templates and other users are untouched. */
    public void deleteUserDirectory(UserId user) {
        store.deleteUserSpace(user);
    }

    /** Whether the user has a world of that name. */
    public boolean userWorldExists(UserId user, WorldName world) {
        return store.exists(new WorldKey(user, world));
    }
}
