package dev.worldws.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.worldws.api.TemplateName;
import dev.worldws.api.WorldKey;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.api.world.EventLogEntry;
import dev.worldws.api.world.World;
import dev.worldws.testkit.SampleWorlds;
import dev.worldws.testkit.WorldStoreContract;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The in-memory store passes the whole WorldStore contract, and saves a growing world at the cost of what is new. */
class InMemoryWorldStoreTest extends WorldStoreContract {
    @Override
    protected WorldStore createStore(Map<TemplateName, World> templates, Clock clock) {
        return WorldStores.inMemory(templates, clock);
    }

    @Test
    @DisplayName("a world whose chats take turns is saved at a cost that does not grow with its log, and loads grouped by chat")
    void interleavedChatsAreSavedWithoutSortingTheLog() {
        WorldStore store = WorldStores.inMemory(SampleWorlds.templates(), Clock.systemUTC());
        WorldKey key = WorldKey.of("alice", "home");
        TakingTurns.Allocated saves = TakingTurns.save(store.cloneFromTemplate(TemplateName.of("garden"), key),
                grown -> store.save(key, grown));

        assertThat(saves.late())
                .as("100 saves of a 2,400-event log allocate about what 100 saves of a 400-event log did (%d bytes)",
                        saves.early())
                .isLessThanOrEqualTo(2 * saves.early() + 64 * 1024);
        List<EventLogEntry> loaded = store.load(key).events();
        assertThat(loaded).hasSize(saves.world().events().size());
        List<String> chats = loaded.stream().map(EventLogEntry::chatId).toList();
        assertThat(chats.subList(0, chats.lastIndexOf("chat-1") + 1)).as("grouped by chat").allMatch("chat-1"::equals);
        assertThat(TakingTurns.idsOf(loaded, "chat-2")).containsExactlyElementsOf(TakingTurns.idsOf(saves.world().events(), "chat-2"));
    }
}
