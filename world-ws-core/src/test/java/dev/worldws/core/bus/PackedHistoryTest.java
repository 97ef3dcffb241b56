package dev.worldws.core.bus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.worldws.api.AgentId;
import dev.worldws.api.WorldKey;
import dev.worldws.api.event.ActivityEvent;
import dev.worldws.api.event.AgentUpdatedEvent;
import dev.worldws.api.event.MessageEvent;
import dev.worldws.api.event.SenderType;
import dev.worldws.api.event.StreamEvent;
import dev.worldws.api.event.SystemEvent;
import dev.worldws.api.event.WorldEvent;
import dev.worldws.api.world.AgentConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the packed replay history")
class PackedHistoryTest {
    private static final WorldKey WORLD = WorldKey.of("alice", "home");
    private static final Instant AT = Instant.parse("2026-11-26T12:00:00.123456789Z");
    private static final List<String> AGENTS = List.of("barista", "chef", "Chef", "\u6a5f\u68b0");
    /** Ids as replies get them, and strings that look almost like those. */
    private static final List<String> REPLIES = List.of("0f8fad5b-d9cb-469f-a165-70867728950e",
            "0F8FAD5B-D9CB-469F-A165-70867728950E", "0f8fad5b-d9cb-469f-a165-70867728950f", "0f8fad5b-d9cb-469f-a165-70867728950",
            "0f8fad5bxd9cb-469f-a165-70867728950e", "0f8fad5b-d9cb-469f-a165-70867728950g", "7c9e6679-7425-40de-944b-e07fc1f90ae7");

    private final HistoryChunks pool = new HistoryChunks(HistoryChunks.DEFAULT_CAPACITY);
    private final PackedHistory history = new PackedHistory(WORLD, pool);

    @Test
    @DisplayName("gives back every kind of event equal to what was kept, odd strings and nulls included")
    void roundTrip() {
        List<WorldEvent> events = List.of(
                new MessageEvent(WORLD, "chat-1", 1, AT, "m1", "human", SenderType.HUMAN, "hello @barista", null, null),
                new MessageEvent(WORLD, "chat-1", 2, AT.plusNanos(1), "m2", "barista", SenderType.AGENT,
                        "caf\u00e9 \u2615 \ud83d\ude00 lone \ud800 end\nline", "m1", "offline"),
                new StreamEvent(WORLD, "chat-1", 3, AT, "barista", "m3", "m1", StreamEvent.Kind.START, ""),
                new StreamEvent(WORLD, "chat-1", 4, AT, "barista", "m3", null, StreamEvent.Kind.CHUNK, "\u00ff\u0100"),
                new ActivityEvent(WORLD, "chat-1", 5, AT, ActivityEvent.Kind.RESPONSE_START, 2, List.of("barista", "chef")),
                new ActivityEvent(WORLD, "chat-1", 6, Instant.EPOCH, ActivityEvent.Kind.IDLE, 0, List.of()),
                new SystemEvent(WORLD, "chat-2", 7, AT, REPLIES.get(0), "world reset"),
                new AgentUpdatedEvent(WORLD, "chat-1", 8, AT, AgentConfig.of(AgentId.of("barista"), "Barista"),
                        "be kind", "alice", 3));
        events.forEach(event -> history.add(event, 1_000));
        List<WorldEvent> alike = new ArrayList<>(events);
        for (int i = 0; i < REPLIES.size(); i++) { // each after the others in the same fields, so each is compared with them
            WorldEvent event = new StreamEvent(WORLD, "chat-2", 9 + i, AT, AGENTS.get(i % AGENTS.size()), REPLIES.get(i),
                    REPLIES.get(REPLIES.size() - 1 - i), StreamEvent.Kind.CHUNK, REPLIES.get(i));
            history.add(event, 1_000);
            alike.add(event);
        }

        assertThat(history.since(8)).containsExactlyElementsOf(alike.subList(8, alike.size()));
        history.trim(8, 0);
        assertThat(history.since(0)).as("entries whose strings were first written by trimmed ones")
                .containsExactlyElementsOf(alike.subList(alike.size() - 8, alike.size()));
        history.clear();
        events.forEach(event -> history.add(event, 1_000));

        assertThat(history.since(0)).containsExactlyElementsOf(events);
        assertThat(history.since(6)).containsExactlyElementsOf(events.subList(6, 8));
        assertThat(history.since(8)).isEmpty();
        assertThat(history.oldestSeq()).isEqualTo(1);
        assertThat(history.since(0).get(3)).isInstanceOfSatisfying(StreamEvent.class,
                chunk -> assertThat(chunk.world()).isEqualTo(WORLD));
    }

    @Test
    @DisplayName("keeps the newest events within the count, and none recorded at or before the expiry")
    void trimsByCountAndAge() {
        for (int seq = 1; seq <= 10; seq++) {
            history.add(chunk(seq, "word " + seq), seq * 100L);
        }
        history.trim(6, 0);
        assertThat(seqs(history.since(0))).containsExactly(5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(history.oldestSeq()).isEqualTo(5);

        history.trim(6, 700);
        assertThat(seqs(history.since(0))).containsExactly(8L, 9L, 10L);

        history.trim(6, 1_000);
        assertThat(history.isEmpty()).isTrue();
        assertThat(history.since(0)).isEmpty();
    }

    @Test
    @DisplayName("events kept as objects leave in step with the packed ones around them")
    void objectsStayInOrder() {
        List<WorldEvent> all = new ArrayList<>();
        for (int seq = 1; seq <= 40; seq++) {
            WorldEvent event = seq % 7 == 0
                    ? new AgentUpdatedEvent(WORLD, "chat-1", seq, AT, AgentConfig.of(AgentId.of("a" + seq), "A"), "", "u", seq)
                    : chunk(seq, "c" + seq);
            all.add(event);
            history.add(event, seq);
            history.trim(9, 0);
        }
        assertThat(history.since(0)).containsExactlyElementsOf(all.subList(31, 40));
    }

    @Test
    @DisplayName("a long run of events through a small window keeps the history small; a burst grows it, and it shrinks again")
    void growsAndShrinks() {
        for (int seq = 1; seq <= 10_000; seq++) {
            history.add(chunk(seq, "some words of a reply"), seq);
            history.trim(16, 0);
        }
        assertThat(seqs(history.since(9_990))).containsExactly(9_991L, 9_992L, 9_993L, 9_994L, 9_995L, 9_996L,
                9_997L, 9_998L, 9_999L, 10_000L);
        int steady = history.capacity();
        assertThat(steady).isLessThanOrEqualTo(4096);

        String big = "x".repeat(32_768);
        history.add(chunk(10_001, big), 10_001);
        assertThat(history.capacity()).isGreaterThan(32_768);
        assertThat(((StreamEvent) history.since(10_000).get(0)).content()).isEqualTo(big);

        for (int seq = 10_002; seq <= 10_100; seq++) {
            history.add(chunk(seq, "short"), seq);
            history.trim(16, 0);
        }
        assertThat(history.capacity()).isLessThanOrEqualTo(4096);
        assertThat(seqs(history.since(10_098))).containsExactly(10_099L, 10_100L);
    }

    @Test
    @DisplayName("a full window of a busy world holds at most twice the bytes of its entries")
    void fullWindowIsCompact() {
        for (int seq = 1; seq <= 5_000; seq++) {
            history.add(chunk(seq, "a reply's words, " + seq), seq);
            history.trim(256, 0);
            if (seq > 300) {
                assertThat(history.capacity()).as("after %d events", seq).isLessThanOrEqualTo(2 * history.liveBytes());
            }
        }
        assertThat(history.size()).isEqualTo(256);
    }

    @Test
    @DisplayName("a new world's history allocates about what it keeps while it fills its window, and nothing once it is full")
    void fillingAllocatesWhatIsKept() {
        List<StreamEvent> events = new ArrayList<>();
        for (int seq = 1; seq <= 5_256; seq++) {
            events.add(chunk(seq, "a reply's words, " + seq));
        }
        long before = allocatedBytes();
        for (StreamEvent event : events.subList(0, 256)) {
            history.add(event, event.seq());
            history.trim(256, 0);
        }
        long filling = allocatedBytes() - before;
        assertThat(filling).as("bytes allocated while %d bytes of entries were kept", history.liveBytes())
                .isLessThan(history.liveBytes() * 5L / 4);

        before = allocatedBytes();
        for (StreamEvent event : events.subList(256, events.size())) {
            history.add(event, event.seq());
            history.trim(256, 0);
        }
        long full = allocatedBytes() - before;
        assertThat(full).as("bytes allocated by 5,000 events through a full window (their entries take some 300,000)")
                .isLessThan(4 * HistoryChunks.CHUNK_BYTES);
        assertThat(seqs(history.since(5_254))).containsExactly(5_255L, 5_256L);
    }

    @Test
    @DisplayName("chunks left behind by one history serve another, and the bytes they held never show")
    void pooledChunksServeOthers() {
        byte[][] stale = new byte[64][];
        for (int i = 0; i < stale.length; i++) {
            stale[i] = pool.take();
            java.util.Arrays.fill(stale[i], (byte) 0x11); // reads as a length of 286,331,153 if ever taken for one
        }
        for (byte[] chunk : stale) {
            pool.give(chunk);
        }
        java.util.Random random = new java.util.Random(6);
        java.util.ArrayDeque<WorldEvent> expected = new java.util.ArrayDeque<>();
        for (int seq = 1; seq <= 3_000; seq++) {
            int kind = random.nextInt(20);
            WorldEvent event = kind == 0
                    ? new AgentUpdatedEvent(WORLD, "chat-1", seq, AT, AgentConfig.of(AgentId.of("a" + seq), "A"), "", "u", seq)
                    : new StreamEvent(WORLD, random.nextBoolean() ? "chat-1" : "chat-\u00e9", seq, AT,
                            AGENTS.get(random.nextInt(AGENTS.size())), REPLIES.get(seq / 9 % REPLIES.size()),
                            random.nextInt(4) == 0 ? null : REPLIES.get(seq / 30 % REPLIES.size()), StreamEvent.Kind.CHUNK,
                            "w".repeat(kind == 1 ? 1_500 + random.nextInt(3_000) : random.nextInt(120)));
            history.add(event, seq);
            expected.addLast(event);
            int window = 1 + random.nextInt(60);
            history.trim(window, 0);
            while (expected.size() > window) {
                expected.removeFirst();
            }
            if (seq % 97 == 0) {
                assertThat(history.since(0)).as("after %d events", seq).containsExactlyElementsOf(expected);
                assertThat(history.oldestSeq()).isEqualTo(expected.getFirst().seq());
            }
        }
        PackedHistory other = new PackedHistory(WorldKey.of("bob", "home"), pool);
        int pooled = pool.size();
        history.clear();
        assertThat(pool.size()).as("chunks given back by a cleared history").isGreaterThan(pooled);
        pooled = pool.size();
        for (int seq = 1; seq <= 200; seq++) {
            other.add(new StreamEvent(WorldKey.of("bob", "home"), "chat-1", seq, AT, "barista", "m" + seq, null,
                    StreamEvent.Kind.CHUNK, "bob's words " + seq), seq);
        }
        assertThat(pool.size()).as("chunks taken by the next history").isLessThan(pooled);
        assertThat(seqs(other.since(198))).containsExactly(199L, 200L);
        assertThat(other.since(0)).hasSize(200).allSatisfy(event -> assertThat(event.world()).isEqualTo(WorldKey.of("bob", "home")));
    }

    @Test
    @DisplayName("a reply's stream steps take about 65 bytes each (150 with their ids in full): ids repeated within a chunk are kept once")
    void repeatedIdsAreKeptOnce() {
        for (int seq = 1; seq <= 256; seq++) {
            String reply = REPLIES.get(seq / 12 % 2 == 0 ? 0 : 6);
            history.add(new StreamEvent(WORLD, "chat-1", seq, AT, seq / 12 % 2 == 0 ? "barista" : "chef", reply,
                    "7c9e6679-7425-40de-944b-e07fc1f90ae8", StreamEvent.Kind.CHUNK, "some words " + seq), seq);
        }
        assertThat(history.liveBytes()).as("bytes of 256 stream steps").isLessThan(256 * 72);
        assertThat(history.capacity()).isLessThan(256 * 80);
        assertThat(((StreamEvent) history.since(200).get(0)).messageId()).isEqualTo(REPLIES.get(200 / 12 % 2 == 0 ? 0 : 6));
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    private static StreamEvent chunk(long seq, String text) {
        return new StreamEvent(WORLD, "chat-1", seq, AT, "barista", "m" + seq, null, StreamEvent.Kind.CHUNK, text);
    }

    private static List<Long> seqs(List<WorldEvent> events) {
        return events.stream().map(WorldEvent::seq).toList();
    }
}
