package dev.worldws.core.store;

import dev.worldws.api.TemplateName;
import dev.worldws.api.UserId;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.api.world.World;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

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
        return files(dataDir, clock, durability, user -> false);
    }

    /**
     * {@link #files(Path, Clock, Durability)} whose clones for the users that {@code linkTemplateFiles} accepts
     * hard-link the template's files instead of copying them (its {@code config.json} excepted, which every clone
     * writes with its own metadata). A clone then creates only its folders and its config: on file systems where
     * creating files is what a clone costs, several times fewer new files, and a world that is deleted unchanged
     * frees almost none. The world reads and behaves exactly like a copied one: the store never writes through a
     * link (it writes in place only into files it wrote itself or found to have a single link), so the first save
     * that changes a linked file replaces it with the world's own, and the template is never touched. Where the file system
     * refuses a link (another device, too many links to one file, no hard links at all) that file is copied.
     *
     * <p>The price: until a world changes a linked file, it shares that file's bytes with the template, so
     * <b>a template file edited in place</b> (an editor that writes into the existing file, {@code cp} over it)
     * changes every such world too. Replacing a template file (write a new one and rename it over the old, as
     * {@code git} does) is safe. That is why the choice is per user: linking the clones of short-lived anonymous
     * users (whose worlds are deleted when they leave) gains the most, risks the least.
     *
     * @param linkTemplateFiles whose clones get links; {@code user -> false} copies every clone, as the other
     *        factories do
     */
    public static WorldStore files(Path dataDir, Clock clock, Durability durability,
            Predicate<? super UserId> linkTemplateFiles) {
        return new FileWorldStore(Objects.requireNonNull(dataDir, "dataDir"), clock, new AtomicFiles(durability),
                Objects.requireNonNull(linkTemplateFiles, "linkTemplateFiles"));
    }

    /** {@link #files(Path, Clock)} with the system UTC clock. */
    public static WorldStore files(Path dataDir) {
        return files(dataDir, Clock.systemUTC());
    }
}
