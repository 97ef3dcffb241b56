package dev.worldws.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.worldws.api.world.EventLogEntry;
import dev.worldws.api.world.MemoryItem;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The growing files are rendered field by field; these tests hold them to the format the store has always written:
 * the list of each item's JSON object (known fields first, then every extra field not written already, in order)
 * rendered by Jackson with the store's indentation.
 */
@DisplayName("rendering memory and event files field by field")
class WorldCodecRenderTest {
    private static final Instant AT = Instant.parse("2026-11-26T12:00:00.120Z");

    private final WorldCodec codec = new WorldCodec();

    @Test
    @DisplayName("memory items give the bytes of their JSON objects, odd extras, collisions and escaping included")
    void memoryAsObjects() {
        List<MemoryItem> items = List.of(
                new MemoryItem("user", "first line\nsecond line", AT, "human", "chat-1", "msg-1", null, "ada",
                        Map.of()),
                new MemoryItem("assistant", "é ✓ \"quoted\" \\ tab\t", null, null, null, null, "msg-1", null,
                        with(oddExtra(), "sender", "kept: the item has no sender")),
                new MemoryItem("tool", "", Instant.parse("2026-11-26T12:00:00Z"), "ada", "chat-2", "msg-3", "msg-2",
                        "ada", collidingExtra()));

        assertThat(text(codec.renderMemory(items).copy())).isEqualTo(text(codec.write(memoryObjects(items))));
        assertThat(text(codec.renderMemory(List.of()).copy())).isEqualTo("[]\n");
    }

    @Test
    @DisplayName("memory items rendered from their packed bytes give the same bytes as the items, from any index on")
    void packedMemoryAsItems() throws java.io.IOException {
        List<MemoryItem> items = new ArrayList<>();
        String[] contents = {"plain", "two\nlines\n", "é ✓ \"quoted\" \\ tab\t", "\uD800 lone", "", "x".repeat(5_000),
                "日本語\nテキスト", "\\n is not a newline"};
        String[] ids = {"msg-3f2c1a9e-8b7d-4c6e-9a1b-2c3d4e5f6a7b", "msg-1", "reply-00000000-0000-0000-0000-000000000000",
                "MSG-3F2C1A9E-8B7D-4C6E-9A1B-2C3D4E5F6A7B", "ünïcode-id"};
        for (int i = 0; i < 300; i++) {
            Map<String, Object> extra = i % 41 == 0 ? Map.of("tool_calls", List.of("x", i)) : Map.of();
            items.add(new MemoryItem(i % 3 == 0 ? "user" : "assistant", contents[i % contents.length] + " " + i,
                    i % 5 == 0 ? null : Instant.ofEpochSecond(1_700_000_000L + i, i % 7 == 0 ? 0 : 1_000_000L * i),
                    i % 4 == 0 ? null : "agent-" + (i % 3), i % 6 == 0 ? null : "chat-" + (i % 2),
                    i % 2 == 0 ? ids[i % ids.length] : null, i % 3 == 0 ? ids[(i + 1) % ids.length] : null,
                    i % 9 == 0 ? null : "ada", extra));
        }
        dev.worldws.api.world.Agent agent = dev.worldws.testkit.SampleWorlds.templates().values().iterator().next()
                .agents().get(0);
        List<MemoryItem> packed = new dev.worldws.api.world.Agent(agent.config(), "", items).memory();
        int[] views = new int[1];
        dev.worldws.api.world.Lists.forEachMemoryItem(packed, 0, new dev.worldws.api.world.MemoryItemVisitor() {
            @Override
            public void item(MemoryItem item) {
                // kept as an object: an item with extra fields
            }

            @Override
            public void packed(dev.worldws.api.world.MemoryItemView item) {
                views[0]++;
            }
        });
        assertThat(views[0]).as("items read in place rather than built").isEqualTo(300 - 8);

        for (int from : new int[] {0, 1, 37, 150, 299, 300}) {
            assertThat(text(codec.renderMemory(packed, from).copy())).as("from %d", from)
                    .isEqualTo(text(codec.renderMemory(new ArrayList<>(items.subList(from, items.size()))).copy()));
        }
    }

    @Test
    @DisplayName("event log entries give the bytes of their JSON objects, payload and meta in extra included")
    void eventsAsObjects() {
        Map<String, Object> payloadInExtra = new LinkedHashMap<>();
        payloadInExtra.put("payload", "not an object");
        payloadInExtra.put("note", List.of(1, 2.5, true));
        List<EventLogEntry> entries = List.of(
                new EventLogEntry("e1", "world", "chat-1", "message", Map.of("content", "hi\nthere"),
                        Map.of("sender", "human", "deliveredToAgents", List.of("ada", "bo")), AT, 1, Map.of()),
                new EventLogEntry("e2", null, "chat-1", "system", Map.of(), Map.of(), null, 2, oddExtra()),
                new EventLogEntry("e2b", "world", "chat-1", "system", Map.of(), Map.of(),
                        Instant.parse("2026-11-26T12:00:00.123456789Z"), 3, Map.of()),
                new EventLogEntry("e2c", "world", "chat-1", "system", Map.of(), Map.of(),
                        Instant.parse("1969-07-20T20:17:40.000001Z"), 3, Map.of()),
                new EventLogEntry("e3", "world", "chat-1", "message", Map.of(), oddExtra(), AT, Long.MAX_VALUE,
                        payloadInExtra),
                new EventLogEntry("e4", "world", "chat-1", "message", oddExtra(), Map.of(), AT, 4,
                        Map.of("meta", List.of(), "worldId", "other", "createdAt", "then")));

        assertThat(text(codec.renderEvents(entries).copy())).isEqualTo(text(codec.write(eventObjects(entries))));
    }

    @Test
    @DisplayName("what is rendered loads back equal")
    void roundTrip() {
        List<MemoryItem> items = List.of(new MemoryItem("assistant", "a\nb", AT, "ada", "chat-1", "m", null, "ada",
                Map.of("tool_calls", List.of("x", 2, Map.of("nested", true)))));
        List<Object> parsed = codec.readArray(codec.renderMemory(items).copy(), "memory.json");
        assertThat(codec.memory(parsed, "memory.json")).isEqualTo(items);
    }

    private static Map<String, Object> oddExtra() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("null", null);
        nested.put("list", Arrays.asList("x", null, 3L, List.of()));
        nested.put("empty", Map.of());
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("int", 7);
        extra.put("long", 1L << 40);
        extra.put("double", 0.1);
        extra.put("big", new BigDecimal("12345678901234567890.5"));
        extra.put("huge", new BigInteger("123456789012345678901234567890"));
        extra.put("float", 1.5f);
        extra.put("bool", false);
        extra.put("nothing", null);
        extra.put("nested", nested);
        return extra;
    }

    private static Map<String, Object> with(Map<String, Object> extra, String key, Object value) {
        extra.put(key, value);
        return extra;
    }

    /** Extra fields named like known ones: those whose known field is written are left out, the others kept. */
    private static Map<String, Object> collidingExtra() {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("role", "shadowed");
        extra.put("createdAt", "shadowed too");
        extra.put("tool_calls", List.of(Map.of("id", "call-1")));
        return extra;
    }

    // the format as the store wrote it before rendering field by field: a JSON object per item

    private static List<Object> memoryObjects(List<MemoryItem> items) {
        List<Object> json = new ArrayList<>();
        for (MemoryItem item : items) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("role", item.role());
            entry.put("content", item.content().replace("\n", "\\n"));
            putIfPresent(entry, "createdAt", WorldCodec.format(item.createdAt()));
            putIfPresent(entry, "sender", item.sender());
            putIfPresent(entry, "chatId", item.chatId());
            putIfPresent(entry, "messageId", item.messageId());
            putIfPresent(entry, "replyToMessageId", item.replyToMessageId());
            putIfPresent(entry, "agentId", item.agentId());
            item.extra().forEach(entry::putIfAbsent);
            json.add(entry);
        }
        return json;
    }

    private static List<Object> eventObjects(List<EventLogEntry> entries) {
        List<Object> json = new ArrayList<>();
        for (EventLogEntry entry : entries) {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("id", entry.id());
            putIfPresent(event, "worldId", entry.worldId());
            event.put("chatId", entry.chatId());
            event.put("type", entry.type());
            if (!entry.extra().containsKey("payload")) {
                event.put("payload", entry.payload());
            }
            if (!entry.extra().containsKey("meta")) {
                event.put("meta", entry.meta());
            }
            putIfPresent(event, "createdAt", WorldCodec.format(entry.createdAt()));
            event.put("seq", entry.seq());
            entry.extra().forEach(event::putIfAbsent);
            json.add(event);
        }
        return json;
    }

    private static void putIfPresent(Map<String, Object> json, String key, Object value) {
        if (value != null) {
            json.put(key, value);
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
