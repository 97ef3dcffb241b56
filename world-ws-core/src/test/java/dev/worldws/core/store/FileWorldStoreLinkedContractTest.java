package dev.worldws.core.store;

import dev.worldws.api.TemplateName;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.api.world.World;
import dev.worldws.testkit.WorldStoreContract;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The file store passes the whole WorldStore contract unchanged when every clone links the template's files. */
class FileWorldStoreLinkedContractTest extends WorldStoreContract {
    @TempDir
    Path dataDir;

    @Override
    protected WorldStore createStore(Map<TemplateName, World> templates, Clock clock) {
        TemplateFolders.write(dataDir, templates);
        return WorldStores.files(dataDir, clock, Durability.FSYNC, user -> true);
    }
}
