package dev.worldws.core.store;

import dev.worldws.api.world.Chat;
import dev.worldws.api.world.EventLogEntry;
import dev.worldws.api.world.World;
import dev.worldws.testkit.SampleWorlds;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Grows a world whose two chats take turns, one event each per turn, saving after every turn, and measures what the
 * saves allocate on the saving thread early and late: a save that costs what is new allocates about as much late as
 * early, one that reads the whole log grows with it.
 */
final class TakingTurns {
    static final int TURNS = 1_200;
    static final List<String> CHATS = List.of("chat-1", "chat-2");

    /** Bytes the saves of turns 101 to 200 ({@code early}, a 400-event log) and 1,101 to 1,200 ({@code late}) allocated. */
    record Allocated(long early, long late, World world) {}

    private TakingTurns() {}

    static Allocated save(World cloned, Consumer<World> save) {
        World world = cloned.withChats(List.of(cloned.chats().get(0), new Chat("chat-2", cloned.config().id(),
                "Second chat", SampleWorlds.CREATED, SampleWorlds.CREATED, 0, Map.of())));
        long seq = 100;
        long early = 0;
        long late = 0;
        for (int turn = 1; turn <= TURNS; turn++) {
            for (String chat : CHATS) {
                world = world.withEventAppended(new EventLogEntry("evt-" + chat + "-" + turn, world.config().id(), chat,
                        "message", Map.of("content", "turn " + turn + " in " + chat, "sender", "human"), Map.of(),
                        SampleWorlds.CREATED.plusSeconds(turn), ++seq, Map.of()));
            }
            long before = allocatedBytes();
            save.accept(world);
            long spent = allocatedBytes() - before;
            if (turn > 100 && turn <= 200) {
                early += spent;
            } else if (turn > TURNS - 100) {
                late += spent;
            }
        }
        return new Allocated(early, late, world);
    }

    /** The ids of {@code chat}'s events in {@code events}, in their order. */
    static List<String> idsOf(List<EventLogEntry> events, String chat) {
        return events.stream().filter(event -> event.chatId().equals(chat)).map(EventLogEntry::id).toList();
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
