package dev.worldws.core.store;

import dev.worldws.api.TemplateName;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.api.world.World;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/** Factories for the {@link WorldStore}s that ship with world-ws. */
public final class WorldStores {
    private WorldStores() {}

    /**
     * A store that keeps everything in memory, seeded with read-only {@code templates}; for tests, demos and
     * servers that need no persistence. Clones are stamped with {@code clock}.
     */
    public static WorldStore inMemory(Map<TemplateName, World> templates, Clock clock) {
        return new InMemoryWorldStore(Objects.requireNonNull(templates, "templates"), clock);
    }

    /**
     * The file store (the default): agent-world's folder format under {@code dataDir}, templates read from
     * {@code dataDir/worlds/} and never written, user worlds in {@code dataDir/users/{userId}/worlds/}; see
     * {@link StorageLayout}. Creates {@code dataDir/users/} if needed. Clones are stamped with {@code clock}.
     *
     * @throws dev.worldws.api.StorageException if the data directory cannot be prepared
     */
    public static WorldStore files(Path dataDir, Clock clock) {
        return files(dataDir, clock, Durability.FSYNC);
    }

    /**
     * {@link #files(Path, Clock)} with a chosen {@link Durability}: {@link Durability#FSYNC} (the default) forces
     * every save to the device, {@link Durability#WRITE_BACK} leaves that to the operating system.
     */
    public static WorldStore files(Path dataDir, Clock clock, Durability durability) {
        return new FileWorldStore(Objects.requireNonNull(dataDir, "dataDir"), clock, new AtomicFiles(durability));
    }

    /** {@link #files(Path, Clock)} with the system UTC clock. */
    public static WorldStore files(Path dataDir) {
        return files(dataDir, Clock.systemUTC());
    }
}
