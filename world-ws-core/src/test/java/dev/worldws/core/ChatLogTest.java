package dev.worldws.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.worldws.api.WorldKey;
import dev.worldws.api.event.MessageEvent;
import dev.worldws.api.event.SenderType;
import dev.worldws.api.protocol.MessageView;
import dev.worldws.api.world.EventLogEntry;
import dev.worldws.api.world.World;
import dev.worldws.testkit.SampleWorlds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the chat log in a world")
class ChatLogTest {
    private static final WorldKey KEY = WorldKey.of("ann", "w");
    private static final Instant AT = Instant.parse("2026-03-01T10:00:00Z");

    private static MessageEvent message(String chatId, String id, String sender, SenderType type, String content) {
        return new MessageEvent(KEY, chatId, 7, AT, id, sender, type, content, null, "node");
    }

    @Test
    @DisplayName("a message continues its chat's highest seq and counts in its chat; a new chat is created")
    void append() {
        World sample = SampleWorlds.world("w", "W", "smith"); // chat-1 holds seq 1 and 2
        List<EventLogEntry> shuffled = new ArrayList<>(sample.events());
        shuffled.add(0, shuffled.remove(1)); // written out of order by another tool
        World world = ChatLog.append(sample.withEvents(shuffled), message("chat-1", "m1", "ann", SenderType.HUMAN, "hi"));
        world = ChatLog.append(world, message("side", "m2", "smith", SenderType.AGENT, "aside"));

        EventLogEntry logged = world.events().stream().filter(e -> e.id().equals("m1")).findFirst().orElseThrow();
        assertThat(logged.seq()).isEqualTo(3);
        assertThat(logged.type()).isEqualTo("message");
        assertThat(logged.payload()).containsEntry("content", "hi").containsEntry("sender", "ann")
                .containsEntry("timestamp", "2026-03-01T10:00:00.000Z").containsEntry("messageId", "m1");
        assertThat(logged.meta()).containsEntry("senderType", "human");
        assertThat(world.chats()).extracting(c -> c.id() + " " + c.messageCount() + " " + c.updatedAt())
                .containsExactly("chat-1 3 2026-03-01T10:00:00Z", "side 1 2026-03-01T10:00:00Z");
        assertThat(world.chats().get(0).extra()).as("unknown chat fields kept").containsEntry("pinned", true);
        assertThat(world.events().stream().filter(e -> e.chatId().equals("side")))
                .extracting(EventLogEntry::seq).containsExactly(1L);
    }

    @Test
    @DisplayName("a message's stored time is cut to milliseconds and always has three fraction digits")
    void storedTimestamps() {
        World world = SampleWorlds.world("w", "W", "smith");
        for (String at : List.of("2026-03-01T10:00:00.123456789Z", "2026-03-01T10:00:00.120Z", "2026-03-01T10:00:00.000999Z",
                "2026-03-01T10:00:00Z")) {
            world = ChatLog.append(world, new MessageEvent(KEY, "chat-1", 7, Instant.parse(at), "m-" + at, "ann",
                    SenderType.HUMAN, "hi", null, "node"));
        }
        assertThat(world.events().stream().filter(e -> e.id().startsWith("m-")).map(e -> e.payload().get("timestamp")))
                .containsExactly("2026-03-01T10:00:00.123Z", "2026-03-01T10:00:00.120Z", "2026-03-01T10:00:00.000Z",
                        "2026-03-01T10:00:00.000Z");
    }

    @Test
    @DisplayName("the entries of one sender and sender type get one meta map, built once for every world; another type gets its own")
    void metaIsSharedPerSender() {
        World first = ChatLog.append(SampleWorlds.world("w", "W", "smith"), message("chat-1", "m1", "smith", SenderType.AGENT, "one"));
        World other = ChatLog.append(SampleWorlds.world("v", "V", "smith"), message("chat-1", "m2", "smith", SenderType.AGENT, "two"));
        World human = ChatLog.append(first, message("chat-1", "m3", "smith", SenderType.HUMAN, "three"));

        Map<String, Object> meta = entry(first, "m1").meta();
        assertThat(entry(other, "m2").meta()).isEqualTo(meta);
        assertThat(ChatLog.meta("smith", SenderType.AGENT)).isSameAs(ChatLog.meta("smith", SenderType.AGENT));
        assertThat(meta).isEqualTo(Map.of("sender", "smith", "senderType", "agent"));
        assertThat(entry(human, "m3").meta()).as("same sender, another type")
                .isEqualTo(Map.of("sender", "smith", "senderType", "human"));
    }

    private static EventLogEntry entry(World world, String id) {
        return world.events().stream().filter(e -> e.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    @DisplayName("a page is the same whatever shape the log has: one chat, chats one after another, chats taking turns, part of a log, odd entries")
    void pagesOfEveryShapeOfLogMatchAPlainScan() {
        Random random = new Random(7);
        World empty = SampleWorlds.world("w", "W", "smith").withEvents(List.of());
        World oneChat = empty;
        World ordered = empty;
        World turns = empty;
        int n = 0;
        for (int i = 0; i < 30; i++) {
            oneChat = ChatLog.append(oneChat, message("b", "m" + n++, "ann", SenderType.HUMAN, "one " + i));
        }
        for (String chat : List.of("a", "b", "b2", "c")) {
            for (int i = 0; i < 3 + random.nextInt(12); i++) {
                ordered = ChatLog.append(ordered, message(chat, "m" + n++, "ann", SenderType.HUMAN, chat + " " + i));
            }
        }
        for (int i = 0; i < 60; i++) {
            String chat = List.of("a", "b", "c").get(random.nextInt(3));
            turns = ChatLog.append(turns, message(chat, "m" + n++, "smith", SenderType.AGENT, chat + " " + i));
        }
        List<EventLogEntry> odd = new ArrayList<>(turns.events());
        odd.add(10, new EventLogEntry("t1", "w", "b", "tool", Map.of("tool", "x"), Map.of(), AT, 99, Map.of()));
        odd.add(20, new EventLogEntry("t2", "w", "b", "message", Map.of("content", "priced", "price",
                new java.math.BigDecimal("3.50")), Map.of(), AT, 98, Map.of())); // kept unpacked
        odd.add(30, new EventLogEntry("t3", "w", "a", "message", Map.of("text", "no content"), Map.of(), AT, 97, Map.of()));

        Map<String, World> worlds = new LinkedHashMap<>();
        worlds.put("one chat", oneChat);
        worlds.put("chats one after another", ordered);
        worlds.put("chats taking turns", turns);
        worlds.put("odd entries", turns.withEvents(odd));
        worlds.put("part of a log in order", ordered.withEvents(ordered.events().subList(0, 20)));
        worlds.put("part of a log taking turns", turns.withEvents(turns.events().subList(0, 45)));
        worlds.put("empty", empty);
        for (Map.Entry<String, World> shape : worlds.entrySet()) {
            List<EventLogEntry> events = shape.getValue().events();
            List<String> befores = new ArrayList<>();
            befores.add(null);
            befores.add("nope");
            events.forEach(entry -> befores.add(entry.id()));
            for (String chat : List.of("a", "b", "b2", "c", "0", "zzz")) {
                for (String before : befores) {
                    for (int limit : new int[] {0, 1, 3, 50}) {
                        assertThat(ChatLog.page(shape.getValue(), chat, before, limit).map(ChatLogTest::idsAndMore))
                                .as("%s: chat %s before %s limit %d", shape.getKey(), chat, before, limit)
                                .isEqualTo(plainPage(events, chat, before, limit));
                    }
                }
            }
        }
    }

    private static String idsAndMore(ChatLog.Page page) {
        return page.messages().stream().map(MessageView::messageId).toList() + (page.hasMore() ? " and more" : "");
    }

    /** What a page holds, by a scan of every event: the ids of the chat's last messages before {@code before}. */
    private static Optional<String> plainPage(List<EventLogEntry> events, String chatId, String before, int limit) {
        List<String> ids = new ArrayList<>();
        for (EventLogEntry entry : List.copyOf(events)) {
            if (entry.chatId().equals(chatId) && entry.type().equals("message")
                    && entry.payload().get("content") instanceof String) {
                ids.add(entry.payload().get("messageId") instanceof String id ? id : entry.id());
            }
        }
        int end = before == null ? ids.size() : ids.lastIndexOf(before);
        if (end < 0) {
            return Optional.empty();
        }
        int start = Math.max(0, end - limit);
        return Optional.of(ids.subList(start, end) + (start > 0 ? " and more" : ""));
    }

    @Test
    @DisplayName("recent lists a chat's last messages oldest first and skips entries without text")
    void recent() {
        World world = SampleWorlds.world("w", "W", "smith").withEvents(List.of());
        world = world.withEvents(List.of(new EventLogEntry("t1", "w", "chat-1", "message", Map.of("tool", "x"),
                Map.of(), AT, 1, Map.of())));
        for (int i = 1; i <= 4; i++) {
            world = ChatLog.append(world, message("chat-1", "m" + i, "ann", SenderType.HUMAN, "text " + i));
        }
        world = ChatLog.append(world, message("other", "o1", "ann", SenderType.HUMAN, "elsewhere"));
        ChatLog.Page recent = ChatLog.recent(world, "chat-1", 3);
        assertThat(recent.messages()).extracting(MessageView::content).containsExactly("text 2", "text 3", "text 4");
        assertThat(recent.hasMore()).isTrue();
        assertThat(ChatLog.recent(world, "chat-1", 4).hasMore()).isFalse();
        assertThat(ChatLog.recent(world, "chat-1", 0).messages()).isEmpty();
        assertThat(ChatLog.page(world, "chat-1", "m2", 5).orElseThrow().messages()).extracting(MessageView::messageId)
                .containsExactly("m1");
        assertThat(ChatLog.page(world, "chat-1", "nope", 5)).isEmpty();
    }

    @Test
    @DisplayName("a seq index kept across appends numbers like a fresh scan, and re-reads a log replaced in between")
    void seqIndex() {
        World world = SampleWorlds.world("w", "W", "smith"); // chat-1 holds seq 1 and 2
        ChatLog.SeqIndex seqs = new ChatLog.SeqIndex();
        world = ChatLog.append(world, message("chat-1", "m1", "ann", SenderType.HUMAN, "one"), seqs);
        world = ChatLog.append(world, message("chat-1", "m2", "ann", SenderType.HUMAN, "two"), seqs);
        world = ChatLog.append(world, message("side", "s1", "ann", SenderType.HUMAN, "aside"), seqs);
        // another part of the runtime replaces the log (say, a reload from disk with a later entry in chat-1)
        List<EventLogEntry> reloaded = new ArrayList<>(world.events());
        reloaded.add(new EventLogEntry("x9", "w", "chat-1", "message", Map.of("content", "from elsewhere"), Map.of(),
                AT, 9, Map.of()));
        world = ChatLog.append(world.withEvents(reloaded), message("chat-1", "m3", "ann", SenderType.HUMAN, "three"),
                seqs);

        assertThat(world.events()).extracting(e -> e.id() + "@" + e.seq())
                .endsWith("m1@3", "m2@4", "s1@1", "x9@9", "m3@10");
    }
}
