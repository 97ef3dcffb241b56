package dev.worldws.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.worldws.api.TemplateName;
import dev.worldws.api.WorldKey;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.api.world.Chat;
import dev.worldws.api.world.EventLogEntry;
import dev.worldws.api.world.World;
import dev.worldws.testkit.SampleWorlds;
import dev.worldws.testkit.WorldStoreContract;
import java.lang.management.ManagementFactory;
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
        World world = store.cloneFromTemplate(TemplateName.of("garden"), key);
        world = world.withChats(List.of(world.chats().get(0),
                new Chat("chat-2", world.config().id(), "Second chat", SampleWorlds.CREATED, SampleWorlds.CREATED, 0, Map.of())));
        long seq = 100;
        long earlyBytes = 0;
        long lateBytes = 0;
        for (int turn = 1; turn <= 1_200; turn++) {
            for (String chat : List.of("chat-1", "chat-2")) {
                world = world.withEventAppended(new EventLogEntry("evt-" + chat + "-" + turn, world.config().id(), chat,
                        "message", Map.of("content", "turn " + turn), Map.of(), SampleWorlds.CREATED.plusSeconds(turn),
                        ++seq, Map.of()));
            }
            long before = allocatedBytes();
            store.save(key, world);
            long spent = allocatedBytes() - before;
            if (turn > 100 && turn <= 200) {
                earlyBytes += spent;
            } else if (turn > 1_100) {
                lateBytes += spent;
            }
        }

        assertThat(lateBytes)
                .as("100 saves of a 2,400-event log allocate about what 100 saves of a 400-event log did (%d bytes)",
                        earlyBytes)
                .isLessThanOrEqualTo(2 * earlyBytes + 64 * 1024);
        List<EventLogEntry> loaded = store.load(key).events();
        assertThat(loaded).hasSize(world.events().size());
        List<String> chats = loaded.stream().map(EventLogEntry::chatId).toList();
        assertThat(chats.subList(0, chats.lastIndexOf("chat-1") + 1)).as("grouped by chat").allMatch("chat-1"::equals);
        assertThat(loaded.stream().filter(event -> event.chatId().equals("chat-2")).map(EventLogEntry::id))
                .containsExactlyElementsOf(world.events().stream().filter(event -> event.chatId().equals("chat-2"))
                        .map(EventLogEntry::id).toList());
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
