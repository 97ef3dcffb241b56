package dev.worldws.api.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.worldws.api.AgentId;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GrowingListTest {

    @Test
    void appendingLeavesTheOriginalUnchangedAndGrowsInPlace() {
        GrowingList<String> empty = GrowingList.copyOf(List.of(), null);
        GrowingList<String> one = empty.plus("a", null);
        GrowingList<String> two = one.plus("b", null);
        GrowingList<String> three = two.plus("c", null);

        assertThat(empty).isEmpty();
        assertThat(one).containsExactly("a");
        assertThat(two).containsExactly("a", "b");
        assertThat(three).containsExactly("a", "b", "c").isEqualTo(List.of("a", "b", "c"));
        assertThat(three.hashCode()).isEqualTo(List.of("a", "b", "c").hashCode());
        assertThat(GrowingList.sharesStorage(two, three)).as("the second append reused the first one's array").isTrue();
    }

    @Test
    void aSiblingAppendedToTheSameListDoesNotSeeTheOther() {
        GrowingList<MemoryItem> base = memoryOf("x", "y");
        GrowingList<MemoryItem> left = base.plus(memory("left"), MemoryItemCodec.INSTANCE);
        GrowingList<MemoryItem> right = base.plus(memory("right"), MemoryItemCodec.INSTANCE);

        assertThat(left).extracting(MemoryItem::content).containsExactly("x", "y", "left");
        assertThat(right).extracting(MemoryItem::content).containsExactly("x", "y", "right");
        assertThat(base).extracting(MemoryItem::content).containsExactly("x", "y");
        assertThat(left.plus(memory("more"), MemoryItemCodec.INSTANCE)).extracting(MemoryItem::content)
                .containsExactly("x", "y", "left", "more");
        assertThat(right.plus(memory("else"), MemoryItemCodec.INSTANCE)).extracting(MemoryItem::content)
                .containsExactly("x", "y", "right", "else");
        assertThat(Lists.startsWith(left, base)).isTrue();
        assertThat(Lists.startsWith(right, left)).as("a sibling is not a prefix").isFalse();
    }

    @Test
    void manyThreadsExtendingOneListEachGetTheirOwnItem() throws Exception {
        GrowingList<MemoryItem> base = memoryOf("0", "1"); // spare capacity to race for
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<GrowingList<MemoryItem>>> results = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                MemoryItem item = memory("item " + i);
                results.add(pool.submit(() -> {
                    start.await();
                    return base.plus(item, MemoryItemCodec.INSTANCE);
                }));
            }
            start.countDown();
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get(10, TimeUnit.SECONDS)).extracting(MemoryItem::content)
                        .containsExactly("0", "1", "item " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void isUnmodifiableAndRefusesNulls() {
        GrowingList<String> list = GrowingList.copyOf(List.of("a"), null);
        assertThatThrownBy(() -> list.add("b")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> list.set(0, "b")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> list.plus(null, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> GrowingList.copyOf(Arrays.asList("a", null), null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> list.get(1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void copyingAListSnapshotsIt() {
        List<MemoryItem> source = new ArrayList<>(List.of(memory("a"), memory("b")));
        GrowingList<MemoryItem> copy = GrowingList.copyOf(source, MemoryItemCodec.INSTANCE);
        source.add(memory("c"));
        assertThat(copy).extracting(MemoryItem::content).containsExactly("a", "b");
        assertThat(GrowingList.copyOf(copy, MemoryItemCodec.INSTANCE)).isSameAs(copy);
        assertThat(copy.toArray()).containsExactly(memory("a"), memory("b"));
    }

    @Test
    void worldsAndAgentsGrowWithoutTouchingTheirEarlierSnapshots() {
        Agent agent = new Agent(AgentConfig.of(new AgentId("ann"), "Ann"), "", List.of());
        Agent remembered = agent.remember(memory("one")).remember(memory("two"));
        Agent forked = agent.remember(memory("one")).remember(memory("other"));

        assertThat(agent.memory()).isEmpty();
        assertThat(remembered.memory()).extracting(MemoryItem::content).containsExactly("one", "two");
        assertThat(forked.memory()).extracting(MemoryItem::content).containsExactly("one", "other");
        assertThat(((GrowingList<MemoryItem>) remembered.memory()).keptAsObject(1)).as("packed").isFalse();
    }

    @Test
    void memoryItemsReadBackEqualWhateverTheyHold() {
        List<MemoryItem> items = List.of(
                new MemoryItem("assistant", "Café ☕ and a lone surrogate \ud800 and a pair \ud83d\ude00",
                        Instant.parse("1969-07-20T20:17:40.123456789Z"), "barista", "chat-1", "m1", "m0", "barista",
                        Map.of()),
                new MemoryItem("user", "", null, null, null, null, null, null, Map.of()),
                new MemoryItem("system", "x".repeat(70_000), Instant.ofEpochSecond(-1, 1), "world", "chat-1", "m2",
                        null, "barista", Map.of()),
                new MemoryItem("tool", "line one\nline two", Instant.MAX, "a-sender-whose-name-is-longer-than-any-name"
                        + "-the-list-keeps-in-its-table", "chat-2", "m3", null, "barista", Map.of()));
        GrowingList<MemoryItem> packed = GrowingList.copyOf(items, MemoryItemCodec.INSTANCE);

        assertThat(packed).isEqualTo(items).containsExactlyElementsOf(items);
        for (int i = 0; i < items.size(); i++) {
            assertThat(packed.keptAsObject(i)).as("item %d packed", i).isFalse();
        }
        assertThat(packed.get(0).role()).as("a name reads back as the one instance the list keeps")
                .isSameAs(packed.get(0).role());
    }

    @Test
    void messageIdsOfEveryShapeReadBackEqual() {
        String uuid = java.util.UUID.randomUUID().toString();
        List<String> ids = List.of("msg-" + uuid, uuid, "a-prefix-of-16ch" + uuid, "a-prefix-of-17chs" + uuid,
                "msg-" + uuid.toUpperCase(java.util.Locale.ROOT), "msg-" + uuid.replace('-', 'x'),
                "msg-" + uuid.substring(1) + "0", "msg-" + uuid.replace('a', 'g'), "", "msg-");
        List<MemoryItem> memory = new ArrayList<>();
        List<EventLogEntry> log = new ArrayList<>();
        for (String id : ids) {
            memory.add(new MemoryItem("user", "hi", Instant.EPOCH, "human", "c", id, id, "ann", Map.of()));
            log.add(new EventLogEntry(id, "w", "c", "message", Map.of("messageId", id, "replyToMessageId", id),
                    Map.of(), Instant.EPOCH, 1, Map.of()));
        }
        assertThat(GrowingList.copyOf(memory, MemoryItemCodec.INSTANCE)).isEqualTo(memory);
        assertThat(GrowingList.copyOf(log, EventLogEntryCodec.INSTANCE)).isEqualTo(log);
    }

    @Test
    void itemsWithValuesOutsideJsonAreKeptAsTheyAre() {
        MemoryItem withExtra = new MemoryItem("assistant", "calling a tool", Instant.EPOCH, "barista", "chat-1", "m1",
                null, "barista", Map.of("tool_calls", List.of(Map.of("name", "menu"))));
        GrowingList<MemoryItem> memory = memoryOf("before").plus(withExtra, MemoryItemCodec.INSTANCE)
                .plus(memory("after"), MemoryItemCodec.INSTANCE);
        assertThat(memory).containsExactly(memory("before"), withExtra, memory("after"));
        assertThat(memory.get(1)).isSameAs(withExtra);
        assertThat(memory.keptAsObject(0)).isFalse();
        assertThat(memory.keptAsObject(2)).isFalse();

        EventLogEntry decimal = entry("e1", "chat-1", Map.of("price", new BigDecimal("3.50")));
        GrowingList<EventLogEntry> log = GrowingList.copyOf(List.of(entry("e0", "chat-1", Map.of()), decimal),
                EventLogEntryCodec.INSTANCE);
        assertThat(log.get(1)).isSameAs(decimal);
        assertThat(log.keptAsObject(0)).isFalse();
    }

    @Test
    void eventLogEntriesReadBackEqualWithTheirMapsInOrder() {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("content", "héllo \u4e16\u754c");
        payload.put("sender", "human");
        payload.put("nothing", null);
        payload.put("yes", true);
        payload.put("no", false);
        payload.put("int", -7);
        payload.put("long", Long.MIN_VALUE);
        payload.put("double", -0.0);
        payload.put("nan", Double.NaN);
        payload.put("list", Arrays.asList(1, "two", null, List.of(), Map.of("k", 3L)));
        payload.put("nested", Map.of("deeper", Map.of("deepest", "yes")));
        Map<String, Object> wide = new LinkedHashMap<>();
        for (int i = 0; i < 40; i++) {
            wide.put("key" + i, i);
        }
        List<EventLogEntry> entries = List.of(
                new EventLogEntry("e1", "world-1", "chat-1", "message", payload,
                        Map.of("sender", "human", "senderType", "human"), Instant.parse("2026-11-26T12:00:00.5Z"), 1,
                        Map.of("source", "import")),
                new EventLogEntry("e2", null, "chat-1", "system", wide, Map.of(), null, Long.MAX_VALUE, Map.of()));
        GrowingList<EventLogEntry> packed = GrowingList.copyOf(entries, EventLogEntryCodec.INSTANCE);

        assertThat(packed).isEqualTo(entries);
        assertThat(packed.keptAsObject(0)).isFalse();
        assertThat(packed.get(0).payload().keySet()).containsExactlyElementsOf(payload.keySet());
        assertThat(packed.get(1).payload().keySet()).containsExactlyElementsOf(wide.keySet());
        assertThat(packed.get(0).payload().get("int")).isInstanceOf(Integer.class);
        assertThat(packed.get(0).payload().get("long")).isInstanceOf(Long.class);
    }

    @Test
    void moreDistinctNamesThanTheTableHoldsStillReadBack() {
        List<EventLogEntry> entries = new ArrayList<>();
        GrowingList<EventLogEntry> log = GrowingList.copyOf(List.of(), EventLogEntryCodec.INSTANCE);
        for (int i = 0; i < 100; i++) {
            EventLogEntry entry = entry("e" + i, "chat-" + i, Map.of("sender", "agent-" + i, "k" + i, "v"));
            entries.add(entry);
            log = log.plus(entry, EventLogEntryCodec.INSTANCE);
        }
        assertThat(log).isEqualTo(entries);
    }

    @Test
    void aLogKnowsItsChatsWithoutReadingThem() {
        GrowingList<EventLogEntry> one = GrowingList.copyOf(
                List.of(entry("e1", "b", Map.of()), entry("e2", "b", Map.of())), EventLogEntryCodec.INSTANCE);
        GrowingList<EventLogEntry> ordered = one.plus(entry("e3", "c", Map.of()), EventLogEntryCodec.INSTANCE);
        GrowingList<EventLogEntry> unordered = ordered.plus(entry("e4", "a", Map.of()), EventLogEntryCodec.INSTANCE);

        assertThat(Lists.onlyChat(one)).isEqualTo("b");
        assertThat(Lists.onlyChat(ordered)).isNull();
        assertThat(Lists.inChatOrder(ordered)).isTrue();
        assertThat(Lists.inChatOrder(unordered)).isFalse();
        assertThat(Lists.onlyChat(List.of())).isNull();
        // lists of other kinds are read
        assertThat(Lists.onlyChat(new ArrayList<>(one))).isEqualTo("b");
        assertThat(Lists.inChatOrder(new ArrayList<>(unordered))).isFalse();
        assertThat(Lists.inChatOrder(unordered.subList(0, 3))).isTrue();
        assertThat(Lists.onlyChat(unordered.subList(0, 2))).isEqualTo("b");
    }

    @Test
    void anItemsGroupIsReadFromItsBytesWithoutBuildingTheItem() {
        AtomicInteger built = new AtomicInteger();
        Packing.Codec<String> firstLetterGroups = new Packing.Codec<>() {
            @Override
            public boolean pack(String item, Packing.Packer out) {
                out.putName(item.substring(0, 1));
                out.putString(item);
                return true;
            }

            @Override
            public String unpack(Packing.Unpacker in) {
                built.incrementAndGet();
                in.getName();
                return in.getString();
            }

            @Override
            public int names() {
                return 8;
            }

            @Override
            public String group(String item) {
                return item.substring(0, 1);
            }

            @Override
            public String packedGroup(Packing.Unpacker in) {
                return in.getName();
            }
        };
        GrowingList<String> list = GrowingList.copyOf(List.of("apple", "banana", "avocado", "cherry"), firstLetterGroups);

        assertThat(List.of(0, 1, 2, 3)).extracting(list::groupAt).containsExactly("a", "b", "a", "c");
        assertThat(built).as("items built").hasValue(0);
    }

    @Test
    void chatAtIsTheEventsChatForEveryKindOfLog() {
        List<EventLogEntry> entries = new ArrayList<>();
        for (int i = 0; i < 300; i++) { // enough bytes for several chunks
            entries.add(entry("e" + i, "chat-" + (i * 7 % 5), Map.of("content", "text " + i)));
        }
        entries.set(17, entry("e17", "odd", Map.of("price", new BigDecimal("3.50")))); // kept as an object
        GrowingList<EventLogEntry> log = GrowingList.copyOf(entries, EventLogEntryCodec.INSTANCE);
        assertThat(log.keptAsObject(17)).isTrue();

        for (List<EventLogEntry> events : List.of(log, log.subList(0, 120), new ArrayList<>(log))) {
            for (int i = 0; i < events.size(); i++) {
                assertThat(Lists.chatAt(events, i)).isEqualTo(events.get(i).chatId());
            }
        }
        assertThatThrownBy(() -> Lists.chatAt(log, 300)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Lists.chatAt(log, -1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void startsWithComparesListsThatDidNotGrowFromOneAnother() {
        GrowingList<MemoryItem> memory = memoryOf("a", "b", "c");
        assertThat(Lists.startsWith(memory, memory.subList(0, 2))).isTrue();
        assertThat(Lists.startsWith(memory, List.of(memory("a"), memory("b")))).isTrue();
        assertThat(Lists.startsWith(memory, List.of(memory("a"), memory("x")))).isFalse();
        assertThat(Lists.startsWith(memory.subList(0, 1), memory)).isFalse();
        assertThat(Lists.startsWith(memoryOf("a", "b", "c"), memory)).as("equal lists of separate storage").isTrue();
        assertThat(memory.subList(1, 3)).extracting(MemoryItem::content).containsExactly("b", "c");
    }

    @Test
    void aLongListKeepsItsBytesInChunksWithLittleRoomToSpare() {
        List<MemoryItem> items = new ArrayList<>();
        GrowingList<MemoryItem> memory = GrowingList.copyOf(List.of(), MemoryItemCodec.INSTANCE);
        List<GrowingList<MemoryItem>> versions = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            // sizes from a few bytes to more than a chunk holds, so that items meet every kind of chunk boundary
            MemoryItem item = memory("item " + i + " " + "x".repeat(i % 7 == 0 ? 9_000 + i : i % 300));
            items.add(item);
            memory = memory.plus(item, MemoryItemCodec.INSTANCE);
            versions.add(memory);
        }
        assertThat(memory).isEqualTo(items);
        for (int i = 0; i < versions.size(); i += 97) {
            assertThat(versions.get(i)).as("version %d unchanged", i).isEqualTo(items.subList(0, i + 1));
            assertThat(Lists.startsWith(memory, versions.get(i))).as("known to be a prefix").isTrue();
        }
        long packedBytes = 0;
        for (MemoryItem item : items) {
            Packing.Packer packer = Packing.Packer.start(new String[16], 0);
            assertThat(MemoryItemCodec.INSTANCE.pack(item, packer)).isTrue();
            packedBytes += packer.length;
            packer.finish();
        }
        assertThat(memory.chunkBytes()).as("chunks hold the items with at most half as much room to spare")
                .isBetween(packedBytes, packedBytes * 3 / 2);
    }

    @Test
    void aSiblingOfAListThatFilledPartOfAChunkDoesNotOverwriteIt() {
        GrowingList<MemoryItem> base = memoryOf("a", "b");
        GrowingList<MemoryItem> first = base.plus(memory("first"), MemoryItemCodec.INSTANCE);
        GrowingList<MemoryItem> second = base.plus(memory("second"), MemoryItemCodec.INSTANCE);
        GrowingList<MemoryItem> firstMore = first.plus(memory("first more"), MemoryItemCodec.INSTANCE);
        GrowingList<MemoryItem> secondMore = second.plus(memory("second more"), MemoryItemCodec.INSTANCE);

        assertThat(firstMore).extracting(MemoryItem::content).containsExactly("a", "b", "first", "first more");
        assertThat(secondMore).extracting(MemoryItem::content).containsExactly("a", "b", "second", "second more");
        assertThat(base.subList(0, 1).equals(List.of(memory("a")))).isTrue();
        GrowingList<MemoryItem> fromPrefix = (GrowingList<MemoryItem>) firstMore.subList(0, 2);
        assertThat(fromPrefix.plus(memory("c"), MemoryItemCodec.INSTANCE)).extracting(MemoryItem::content)
                .containsExactly("a", "b", "c");
        assertThat(firstMore).extracting(MemoryItem::content).containsExactly("a", "b", "first", "first more");
    }

    @Test
    void aLogSplitByChatWithListsWithEventGrowsEachChatsListFromItsLastVersion() {
        List<EventLogEntry> plain = List.of(entry("a", "chat-1", Map.of("content", "a")));
        List<EventLogEntry> chatOne = Lists.withEvent(plain, entry("b", "chat-1", Map.of("content", "b")));
        List<EventLogEntry> chatOneMore = Lists.withEvent(chatOne, entry("c", "chat-1", Map.of("content", "c")));
        List<EventLogEntry> sibling = Lists.withEvent(chatOne, entry("d", "chat-1", Map.of("content", "d")));

        assertThat(plain).extracting(EventLogEntry::id).containsExactly("a");
        assertThat(chatOne).extracting(EventLogEntry::id).containsExactly("a", "b");
        assertThat(chatOneMore).extracting(EventLogEntry::id).containsExactly("a", "b", "c");
        assertThat(sibling).extracting(EventLogEntry::id).containsExactly("a", "b", "d");
        assertThat(Lists.startsWith(chatOneMore, chatOne)).isTrue();
        assertThat(Lists.startsWith(sibling, chatOneMore)).isFalse();
        assertThat(Lists.onlyChat(chatOneMore)).isEqualTo("chat-1");
        assertThatThrownBy(() -> Lists.withEvent(chatOne, null)).isInstanceOf(NullPointerException.class);
    }

    private static GrowingList<MemoryItem> memoryOf(String... contents) {
        GrowingList<MemoryItem> list = GrowingList.copyOf(List.of(), MemoryItemCodec.INSTANCE);
        for (String content : contents) {
            list = list.plus(memory(content), MemoryItemCodec.INSTANCE);
        }
        return list;
    }

    private static MemoryItem memory(String content) {
        return new MemoryItem("user", content, Instant.EPOCH, "human", "default", content, null, "ann", Map.of());
    }

    private static EventLogEntry entry(String id, String chatId, Map<String, Object> payload) {
        return new EventLogEntry(id, "w", chatId, "message", payload, Map.of("sender", "human"), Instant.EPOCH, 1,
                Map.of());
    }
}
