package dev.worldws.core.store;

import dev.worldws.api.TemplateName;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.api.world.World;
import dev.worldws.testkit.WorldStoreContract;
import java.time.Clock;
import java.util.Map;

/** The in-memory store passes the whole WorldStore contract. */
class InMemoryWorldStoreTest extends WorldStoreContract {
    @Override
    protected WorldStore createStore(Map<TemplateName, World> templates, Clock clock) {
        return WorldStores.inMemory(templates, clock);
    }
}
