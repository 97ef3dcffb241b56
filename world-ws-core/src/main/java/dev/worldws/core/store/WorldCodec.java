package dev.worldws.core.store;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.worldws.api.AgentId;
import dev.worldws.api.CorruptWorldException;
import dev.worldws.api.InvalidNameException;
import dev.worldws.api.TemplateName;
import dev.worldws.api.UserId;
import dev.worldws.api.world.AgentConfig;
import dev.worldws.api.world.Chat;
import dev.worldws.api.world.CloneMetadata;
import dev.worldws.api.world.EventLogEntry;
import dev.worldws.api.world.Lists;
import dev.worldws.api.world.MemoryItem;
import dev.worldws.api.world.MemoryItemView;
import dev.worldws.api.world.MemoryItemVisitor;
import dev.worldws.api.world.WorldConfig;
import dev.worldws.core.protocol.IsoInstants;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Maps agent-world's JSON files to the api records and back.
 *
 * <p>Known fields become record components; every other field goes to {@code extra} and is written back after the
 * known ones, so a file written by another system keeps its content through a load and save. Output is indented
 * with two spaces like {@code JSON.stringify(value, null, 2)}, and instants are written like JavaScript's
 * {@code toISOString()} when they have millisecond precision. Every parse error becomes a
 * {@link CorruptWorldException} that names the file.
 */
final class WorldCodec {
    private static final Set<String> WORLD_FIELDS =
            Set.of("id", "name", "description", "turnLimit", "mainAgent", "currentChatId", "metadata");
    private static final Set<String> AGENT_FIELDS = Set.of("id", "name", "type", "active", "autoReply", "provider",
            "model", "temperature", "maxTokens", "llmCallCount");
    private static final Set<String> LLM_FIELDS = Set.of("provider", "model", "temperature", "maxTokens");
    private static final Set<String> MEMORY_FIELDS = Set.of("role", "content", "createdAt", "sender", "chatId",
            "messageId", "replyToMessageId", "agentId");
    private static final Set<String> CHAT_FIELDS =
            Set.of("id", "worldId", "name", "createdAt", "updatedAt", "messageCount");
    private static final Set<String> EVENT_FIELDS =
            Set.of("id", "worldId", "chatId", "type", "payload", "meta", "createdAt", "seq");

    private final ObjectMapper mapper = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final ObjectWriter writer;
    private final com.fasterxml.jackson.databind.ObjectReader itemReader =
            mapper.readerFor(Object.class).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    WorldCodec() {
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                        .withObjectEmptySeparator("")
                        .withArrayEmptySeparator(""));
        printer.indentObjectsWith(indenter);
        printer.indentArraysWith(indenter);
        writer = mapper.writer(printer);
    }

    // ---------------------------------------------------------------- generic JSON

    /** Parses a JSON object; {@code source} names the file in errors. */
    Map<String, Object> readObject(byte[] bytes, String source) {
        Object value = parse(bytes, source);
        if (!(value instanceof Map<?, ?>)) {
            throw new CorruptWorldException("corrupt world file " + source + ": expected a JSON object");
        }
        return asObject(value);
    }

    /** Parses a JSON array; {@code source} names the file in errors. */
    List<Object> readArray(byte[] bytes, String source) {
        Object value = parse(bytes, source);
        if (!(value instanceof List<?> list)) {
            throw new CorruptWorldException("corrupt world file " + source + ": expected a JSON array");
        }
        return new ArrayList<>(list);
    }

    /**
     * Parses a JSON array that is extended by appends ({@link RememberingWriter}): a file cut short by a crash during an
     * append (it ends inside an item, or with the zeros a file system leaves for blocks it had not written) reads
     * as the items before the cut. Anything else that does not parse is corrupt, as for {@link #readArray}.
     *
     * @param cut told how many bytes were dropped from the end of the file, when any were
     */
    List<Object> readGrowingArray(byte[] bytes, String source, java.util.function.IntConsumer cut) {
        int length = bytes.length;
        while (length > 0 && bytes[length - 1] == 0) {
            length--;
        }
        try {
            Object value = mapper.readValue(bytes, 0, length, Object.class);
            if (value instanceof List<?> list) {
                if (length < bytes.length) {
                    cut.accept(bytes.length - length);
                }
                return new ArrayList<>(list);
            }
            throw new CorruptWorldException("corrupt world file " + source + ": expected a JSON array");
        } catch (java.io.IOException e) {
            if (endsInside(e, length)) {
                return itemsBeforeCut(bytes, length, source, cut);
            }
            throw new CorruptWorldException("corrupt world file " + source + ": " + firstLine(e.getMessage()), e);
        }
    }

    /** Whether parsing failed because the input stopped: inside a value, or in a literal such as {@code tr}. */
    private static boolean endsInside(java.io.IOException e, int length) {
        if (e instanceof com.fasterxml.jackson.core.io.JsonEOFException) {
            return true;
        }
        return e instanceof com.fasterxml.jackson.core.JsonParseException parse && parse.getLocation() != null
                && parse.getLocation().getByteOffset() >= length - 5;
    }

    private List<Object> itemsBeforeCut(byte[] bytes, int length, String source, java.util.function.IntConsumer cut) {
        List<Object> items = new ArrayList<>();
        long kept = 0;
        try (com.fasterxml.jackson.core.JsonParser parser = mapper.getFactory().createParser(bytes, 0, length)) {
            if (parser.nextToken() != com.fasterxml.jackson.core.JsonToken.START_ARRAY) {
                throw new CorruptWorldException("corrupt world file " + source + ": expected a JSON array");
            }
            kept = parser.currentLocation().getByteOffset();
            while (parser.nextToken() != null && parser.currentToken() != com.fasterxml.jackson.core.JsonToken.END_ARRAY) {
                items.add(itemReader.readValue(parser));
                kept = parser.currentLocation().getByteOffset();
            }
        } catch (java.io.IOException e) {
            if (endsInside(e, length)) {
                cut.accept((int) (bytes.length - kept));
                return items;
            }
            throw new CorruptWorldException("corrupt world file " + source + ": " + firstLine(e.getMessage()), e);
        }
        cut.accept((int) (bytes.length - kept));
        return items;
    }

    private Object parse(byte[] bytes, String source) {
        try {
            Object value = mapper.readValue(bytes, Object.class);
            if (value == null) {
                throw new CorruptWorldException("corrupt world file " + source + ": empty or null");
            }
            return value;
        } catch (java.io.IOException e) {
            throw new CorruptWorldException("corrupt world file " + source + ": " + firstLine(e.getMessage()), e);
        }
    }

    /** Serializes {@code value} as indented JSON ending with a newline. */
    byte[] write(Object value) {
        return render(out -> writer.writeValue(out, value)).copy();
    }

    /** Writes one JSON value to a generator. */
    @FunctionalInterface
    private interface Rendering {
        void writeTo(JsonGenerator out) throws IOException;
    }

    /**
     * Runs {@code rendering} into the thread's render buffer, with the store's indentation, and ends it with a newline.
     * Straight to UTF-8 bytes in a buffer the thread keeps: Jackson's own byte builder grew in segments and copied them
     * into an array that was then copied once more to add the newline (three copies of every file and every append a
     * save writes, most of the storage threads' garbage).
     */
    private Rendered render(Rendering rendering) {
        RenderBuffer buffer = RENDER_BUFFER.get();
        try {
            buffer.reset();
            try (JsonGenerator out = writer.createGenerator(buffer)) {
                rendering.writeTo(out);
            }
            buffer.write('\n');
            return new Rendered(buffer.array(), buffer.size());
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalStateException("cannot serialize a world value: " + e.getMessage(), e);
        } finally {
            if (buffer.capacity() > RenderBuffer.KEPT_BYTES) {
                RENDER_BUFFER.remove(); // a large file's buffer is not kept by every storage thread
            }
        }
    }

    private static final ThreadLocal<RenderBuffer> RENDER_BUFFER = ThreadLocal.withInitial(RenderBuffer::new);

    /** A growable byte sink that a thread reuses for every value it renders. */
    private static final class RenderBuffer extends java.io.ByteArrayOutputStream {
        static final int KEPT_BYTES = 256 * 1024;

        RenderBuffer() {
            super(8 * 1024);
        }

        int capacity() {
            return buf.length;
        }

        /** The buffer itself, its first {@link #size} bytes written: no copy. */
        byte[] array() {
            return buf;
        }
    }

    // ---------------------------------------------------------------- world config.json

    WorldConfig worldConfig(Map<String, Object> json, String fallbackId, String source) {
        try {
            String name = string(json, "name", source);
            String id = string(json, "id", source);
            if (id == null) {
                id = fallbackId;
            }
            if (name == null) {
                name = id;
            }
            Integer turnLimit = integer(json, "turnLimit", source);
            CloneMetadata metadata = null;
            Object rawMetadata = json.get("metadata");
            Map<String, Object> extra = extra(json, WORLD_FIELDS);
            if (rawMetadata instanceof Map<?, ?> map && map.get("originalTemplate") != null) {
                Map<String, Object> meta = asObject(map);
                metadata = new CloneMetadata(new TemplateName(string(meta, "originalTemplate", source)),
                        new UserId(string(meta, "clonedFor", source)), instant(meta, "clonedAt", source));
            } else if (rawMetadata != null) {
                // a metadata block we do not understand is kept as it is
                extra = with(extra, "metadata", rawMetadata);
            }
            return new WorldConfig(id, name, string(json, "description", source),
                    turnLimit == null ? WorldConfig.DEFAULT_TURN_LIMIT : turnLimit,
                    string(json, "mainAgent", source), string(json, "currentChatId", source), metadata, extra);
        } catch (IllegalArgumentException | NullPointerException | InvalidNameException e) {
            throw corrupt(source, e);
        }
    }

    Map<String, Object> worldConfigJson(WorldConfig config) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", config.id());
        json.put("name", config.name());
        json.put("description", config.description());
        json.put("turnLimit", config.turnLimit());
        json.put("mainAgent", config.mainAgent());
        if (config.currentChatId() != null) {
            json.put("currentChatId", config.currentChatId());
        }
        if (config.metadata() != null) {
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("originalTemplate", config.metadata().originalTemplate().value());
            meta.put("clonedFor", config.metadata().clonedFor().value());
            meta.put("clonedAt", format(config.metadata().clonedAt()));
            json.put("metadata", meta);
        }
        putExtra(json, config.extra());
        return json;
    }

    // ---------------------------------------------------------------- agents/{id}/config.json

    /**
     * Reads an agent config. The June-2025 shape, which nests the LLM settings in {@code config:{provider, ...}},
     * is understood too; the nested block stays in {@code extra} and is written back nested.
     */
    AgentConfig agentConfig(Map<String, Object> json, AgentId folderId, String source) {
        try {
            Map<String, Object> llm = json;
            if (json.get("provider") == null && json.get("config") instanceof Map<?, ?> nested) {
                llm = asObject(nested);
            }
            String name = string(json, "name", source);
            Integer llmCalls = integer(json, "llmCallCount", source);
            return new AgentConfig(folderId, name == null ? folderId.value() : name, string(json, "type", source),
                    bool(json, "active", true, source), bool(json, "autoReply", true, source),
                    string(llm, "provider", source), string(llm, "model", source),
                    decimal(llm, "temperature", source), integer(llm, "maxTokens", source),
                    llmCalls == null ? 0 : llmCalls, extra(json, AGENT_FIELDS));
        } catch (IllegalArgumentException | NullPointerException | InvalidNameException e) {
            throw corrupt(source, e);
        }
    }

    Map<String, Object> agentConfigJson(AgentConfig config) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", config.id().value());
        json.put("name", config.name());
        if (config.type() != null) {
            json.put("type", config.type());
        }
        if (!config.active()) {
            json.put("active", false);
        }
        json.put("autoReply", config.autoReply());
        Map<String, Object> llm = new LinkedHashMap<>();
        putIfPresent(llm, "provider", config.provider());
        putIfPresent(llm, "model", config.model());
        putIfPresent(llm, "temperature", config.temperature());
        putIfPresent(llm, "maxTokens", config.maxTokens());
        Object nested = config.extra().get("config");
        if (nested instanceof Map<?, ?> nestedMap) {
            Map<String, Object> merged = new LinkedHashMap<>();
            nestedMap.forEach((key, value) -> {
                if (!LLM_FIELDS.contains(String.valueOf(key))) {
                    merged.put(String.valueOf(key), value);
                }
            });
            Map<String, Object> ordered = new LinkedHashMap<>(llm);
            ordered.putAll(merged);
            json.put("llmCallCount", config.llmCallCount());
            Map<String, Object> extra = new LinkedHashMap<>(config.extra());
            extra.put("config", ordered);
            putExtra(json, extra);
            return json;
        }
        json.putAll(llm);
        json.put("llmCallCount", config.llmCallCount());
        putExtra(json, config.extra());
        return json;
    }

    // ---------------------------------------------------------------- memory.json

    /** Reads memory items, undoing agent-world's literal {@code \n} escaping of newlines in content. */
    List<MemoryItem> memory(List<Object> json, String source) {
        List<MemoryItem> items = new ArrayList<>(json.size());
        for (int i = 0; i < json.size(); i++) {
            if (!(json.get(i) instanceof Map<?, ?> raw)) {
                throw new CorruptWorldException("corrupt world file " + source + ": memory item " + i + " is not an object");
            }
            Map<String, Object> item = asObject(raw);
            try {
                String role = string(item, "role", source);
                String content = string(item, "content", source);
                items.add(new MemoryItem(role == null ? "user" : role, unescapeNewlines(content == null ? "" : content),
                        instant(item, "createdAt", source), string(item, "sender", source),
                        string(item, "chatId", source), string(item, "messageId", source),
                        string(item, "replyToMessageId", source), string(item, "agentId", source),
                        extra(item, MEMORY_FIELDS)));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw corrupt(source, e);
            }
        }
        return items;
    }

    /**
     * {@code memory.json}'s content for {@code memory}: the bytes {@link #write} gives for the list of the items' JSON
     * objects (known fields first, then every extra field not written already), rendered field by field without
     * building those objects, in the thread's render buffer.
     */
    Rendered renderMemory(List<MemoryItem> memory) {
        return renderMemory(memory, 0);
    }

    /**
     * The items of {@code memory} from index {@code from} on, rendered as {@link #renderMemory(List)} renders a list
     * of them (the array an append writes): packed items straight from their bytes ({@link Lists#forEachMemoryItem}),
     * since a save renders every new item of every memory and building each one to render it was most of a save's
     * garbage.
     */
    Rendered renderMemory(List<MemoryItem> memory, int from) {
        return render(out -> {
            out.writeStartArray();
            Lists.forEachMemoryItem(memory, from, new MemoryItemVisitor() {
                @Override
                public void item(MemoryItem item) throws IOException {
                    writeMemoryItem(out, item);
                }

                @Override
                public void packed(MemoryItemView item) throws IOException {
                    writeMemoryItem(out, item);
                }
            });
            out.writeEndArray();
        });
    }

    /** A packed item as {@link #writeMemoryItem(JsonGenerator, MemoryItem)} writes the item (it has no extra fields). */
    private static void writeMemoryItem(JsonGenerator out, MemoryItemView item) throws IOException {
        out.writeStartObject();
        writeKnownMemoryFields(out, item.role(), item.content(), item.createdAt(), item.sender(), item.chatId(),
                item.messageId(), item.replyToMessageId(), item.agentId());
        out.writeEndObject();
    }

    /** A memory item's known fields, in the order of the file, whether the item is an object or read in place. */
    private static void writeKnownMemoryFields(JsonGenerator out, String role, CharSequence content, Instant createdAt,
            String sender, String chatId, CharSequence messageId, CharSequence replyToMessageId, String agentId)
            throws IOException {
        out.writeStringField("role", role);
        out.writeFieldName("content");
        writeText(out, content, true);
        writeIfPresent(out, "createdAt", createdAt);
        writeIfPresent(out, "sender", sender);
        writeIfPresent(out, "chatId", chatId);
        writeIfPresent(out, "messageId", messageId);
        writeIfPresent(out, "replyToMessageId", replyToMessageId);
        writeIfPresent(out, "agentId", agentId);
    }

    private static void writeIfPresent(JsonGenerator out, String field, CharSequence text) throws IOException {
        if (text != null) {
            out.writeFieldName(field);
            writeText(out, text, false);
        }
    }

    /**
     * Writes {@code text} as a JSON string from the thread's char buffer; with {@code escapeNewlines}, each newline as
     * the two characters backslash and n, as agent-world stores a memory's content ({@link #unescapeNewlines} reads
     * them back).
     */
    private static void writeText(JsonGenerator out, CharSequence text, boolean escapeNewlines) throws IOException {
        int length = text.length();
        char[] chars = TEXT_CHARS.get();
        int most = escapeNewlines ? 2 * length : length;
        if (chars.length < most) {
            chars = new char[most];
            if (most <= KEPT_TEXT_CHARS) {
                TEXT_CHARS.set(chars);
            }
        }
        int to = 0;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c == '\n' && escapeNewlines) {
                chars[to++] = '\\';
                chars[to++] = 'n';
            } else {
                chars[to++] = c;
            }
        }
        out.writeString(chars, 0, to);
    }

    /** The longest text whose char buffer a storage thread keeps for the next one. */
    private static final int KEPT_TEXT_CHARS = 64 * 1024;
    private static final ThreadLocal<char[]> TEXT_CHARS = ThreadLocal.withInitial(() -> new char[1024]);

    private static void writeMemoryItem(JsonGenerator out, MemoryItem item) throws IOException {
        out.writeStartObject();
        writeKnownMemoryFields(out, item.role(), item.content(), item.createdAt(), item.sender(), item.chatId(),
                item.messageId(), item.replyToMessageId(), item.agentId());
        writeFields(out, item.extra(), key -> switch (key) {
            case "role", "content" -> true;
            case "createdAt" -> item.createdAt() != null;
            case "sender" -> item.sender() != null;
            case "chatId" -> item.chatId() != null;
            case "messageId" -> item.messageId() != null;
            case "replyToMessageId" -> item.replyToMessageId() != null;
            case "agentId" -> item.agentId() != null;
            default -> false;
        });
        out.writeEndObject();
    }

    static String unescapeNewlines(String stored) {
        return stored.replace("\\n", "\n");
    }


    // ---------------------------------------------------------------- chats/{chatId}.json

    Chat chat(Map<String, Object> json, String fallbackId, String source) {
        try {
            String id = string(json, "id", source);
            Integer count = integer(json, "messageCount", source);
            return new Chat(id == null ? fallbackId : id, string(json, "worldId", source), string(json, "name", source),
                    instant(json, "createdAt", source), instant(json, "updatedAt", source), count == null ? 0 : count,
                    extra(json, CHAT_FIELDS));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw corrupt(source, e);
        }
    }

    Map<String, Object> chatJson(Chat chat) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", chat.id());
        putIfPresent(json, "worldId", chat.worldId());
        json.put("name", chat.name());
        putIfPresent(json, "createdAt", format(chat.createdAt()));
        putIfPresent(json, "updatedAt", format(chat.updatedAt()));
        json.put("messageCount", chat.messageCount());
        putExtra(json, chat.extra());
        return json;
    }

    // ---------------------------------------------------------------- events/{chatId}.json

    List<EventLogEntry> events(List<Object> json, String fallbackChatId, String source) {
        List<EventLogEntry> entries = new ArrayList<>(json.size());
        for (int i = 0; i < json.size(); i++) {
            if (!(json.get(i) instanceof Map<?, ?> raw)) {
                throw new CorruptWorldException("corrupt world file " + source + ": event " + i + " is not an object");
            }
            Map<String, Object> event = asObject(raw);
            try {
                Map<String, Object> extra = extra(event, EVENT_FIELDS);
                Map<String, Object> payload = Map.of();
                Object rawPayload = event.get("payload");
                if (rawPayload instanceof Map<?, ?> map) {
                    payload = asObject(map);
                } else if (rawPayload != null) {
                    extra = with(extra, "payload", rawPayload);
                }
                Map<String, Object> meta = Map.of();
                Object rawMeta = event.get("meta");
                if (rawMeta instanceof Map<?, ?> map) {
                    meta = asObject(map);
                } else if (rawMeta != null) {
                    extra = with(extra, "meta", rawMeta);
                }
                String id = string(event, "id", source);
                String chatId = string(event, "chatId", source);
                String type = string(event, "type", source);
                Number seq = number(event, "seq", source);
                entries.add(new EventLogEntry(id == null ? fallbackChatId + "-" + i : id, string(event, "worldId", source),
                        chatId == null ? fallbackChatId : chatId, type == null ? "message" : type, payload, meta,
                        instant(event, "createdAt", source), seq == null ? i + 1L : seq.longValue(), extra));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw corrupt(source, e);
            }
        }
        return entries;
    }

    /**
     * An {@code events/{chatId}.json} file's content for {@code entries}: the bytes {@link #write} gives for the list
     * of the entries' JSON objects, rendered field by field without building them (see {@link #renderMemory}).
     */
    Rendered renderEvents(List<EventLogEntry> entries) {
        return renderEvents(entries, 0);
    }

    /** The entries from index {@code from} on, rendered as {@link #renderEvents(List)} renders a list of them. */
    Rendered renderEvents(List<EventLogEntry> entries, int from) {
        return writeArray(entries, from, WorldCodec::writeEvent);
    }

    /**
     * Rendered bytes still in the rendering thread's buffer: the first {@code length} bytes of {@code scratch}, valid
     * until that thread renders again. An append writes them straight to the file; {@link #copy} keeps them longer.
     */
    record Rendered(byte[] scratch, int length) {
        byte[] copy() {
            return java.util.Arrays.copyOf(scratch, length);
        }
    }

    private static void writeEvent(JsonGenerator out, EventLogEntry entry) throws IOException {
        Map<String, Object> extra = entry.extra();
        boolean payloadInExtra = extra.containsKey("payload");
        boolean metaInExtra = extra.containsKey("meta");
        out.writeStartObject();
        out.writeStringField("id", entry.id());
        writeIfPresent(out, "worldId", entry.worldId());
        out.writeStringField("chatId", entry.chatId());
        out.writeStringField("type", entry.type());
        if (!payloadInExtra) {
            out.writeFieldName("payload");
            writeValue(out, entry.payload());
        }
        if (!metaInExtra) {
            out.writeFieldName("meta");
            writeValue(out, entry.meta());
        }
        writeIfPresent(out, "createdAt", entry.createdAt());
        out.writeNumberField("seq", entry.seq());
        writeFields(out, extra, key -> switch (key) {
            case "id", "chatId", "type", "seq" -> true;
            case "worldId" -> entry.worldId() != null;
            case "payload" -> !payloadInExtra;
            case "meta" -> !metaInExtra;
            case "createdAt" -> entry.createdAt() != null;
            default -> false;
        });
        out.writeEndObject();
    }

    // ---------------------------------------------------------------- streaming

    /** Writes one item of an array, field by field. */
    @FunctionalInterface
    private interface ItemWriter<T> {
        void write(JsonGenerator out, T item) throws IOException;
    }

    /**
     * Renders {@code items} as {@link #write} renders a list (the same indentation and closing newline, so an append
     * and a whole rewrite give the same bytes), into the thread's buffer, each item written by {@code writeItem}: a save renders every new item
     * of every growing file, and building a map per item (and Jackson walking it) was most of a save's garbage.
     */
    private <T> Rendered writeArray(List<T> items, int from, ItemWriter<? super T> writeItem) {
        return render(out -> {
            out.writeStartArray();
            for (int i = from; i < items.size(); i++) {
                writeItem.write(out, items.get(i));
            }
            out.writeEndArray();
        });
    }

    private static void writeIfPresent(JsonGenerator out, String field, String value) throws IOException {
        if (value != null) {
            out.writeStringField(field, value);
        }
    }

    /** Writes {@code instant} as {@link #format} does, from a scratch array instead of a new string. */
    private static void writeIfPresent(JsonGenerator out, String field, Instant instant) throws IOException {
        if (instant == null) {
            return;
        }
        char[] text = INSTANT_TEXT.get();
        int end = IsoInstants.writeStored(instant, text, 0);
        if (end < 0) {
            out.writeStringField(field, format(instant));
            return;
        }
        out.writeFieldName(field);
        out.writeString(text, 0, end);
    }

    private static final ThreadLocal<char[]> INSTANT_TEXT = ThreadLocal.withInitial(() -> new char[IsoInstants.MAX_CHARS]);

    /**
     * The fields of {@code fields} in order, but those {@code written} says were written already (known fields). The
     * keys of every map a record holds are strings ({@code Extras} makes them so).
     */
    private static void writeFields(JsonGenerator out, Map<?, ?> fields, Predicate<String> written) {
        if (fields.isEmpty()) {
            return; // Map.of() walks an iterator even when empty
        }
        fields.forEach((rawKey, value) -> {
            String key = String.valueOf(rawKey);
            if (!written.test(key)) {
                try {
                    out.writeFieldName(key);
                    writeValue(out, value);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
    }

    /**
     * Writes a JSON value as Jackson's default serializers would (what {@link #write} does with the maps, lists,
     * strings, numbers and booleans that parsed JSON and the api records hold), without an entry object per map
     * key; any other value goes to Jackson.
     */
    private static void writeValue(JsonGenerator out, Object value) throws IOException {
        if (value == null) {
            out.writeNull();
        } else if (value instanceof String text) {
            out.writeString(text);
        } else if (value instanceof Map<?, ?> map) {
            out.writeStartObject();
            writeFields(out, map, key -> false);
            out.writeEndObject();
        } else if (value instanceof List<?> list) {
            out.writeStartArray();
            for (Object item : list) {
                writeValue(out, item);
            }
            out.writeEndArray();
        } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            out.writeNumber(((Number) value).intValue());
        } else if (value instanceof Long number) {
            out.writeNumber(number);
        } else if (value instanceof Double number) {
            out.writeNumber(number);
        } else if (value instanceof Boolean bool) {
            out.writeBoolean(bool);
        } else {
            out.writeObject(value); // BigDecimal, BigInteger, Float, other objects: Jackson's serializers
        }
    }

    // ---------------------------------------------------------------- helpers

    static String format(Instant instant) {
        return instant == null ? null : IsoInstants.storedText(instant); // milliseconds or finer as needed
    }

    private static Instant instant(Map<String, Object> json, String field, String source) {
        Object value = json.get(field);
        if (value == null) {
            return null;
        }
        if (value instanceof Number number) {
            return Instant.ofEpochMilli(number.longValue());
        }
        String text = String.valueOf(value);
        try {
            return IsoInstants.parse(text);
        } catch (DateTimeParseException notInstant) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                throw new CorruptWorldException("corrupt world file " + source + ": field \"" + field
                        + "\" is not a timestamp: " + text, e);
            }
        }
    }

    private static String string(Map<String, Object> json, String field, String source) {
        Object value = json.get(field);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        if (value instanceof Number || value instanceof Boolean) {
            return String.valueOf(value);
        }
        throw new CorruptWorldException("corrupt world file " + source + ": field \"" + field + "\" must be a string");
    }

    private static Number number(Map<String, Object> json, String field, String source) {
        Object value = json.get(field);
        if (value == null || value instanceof Number) {
            return (Number) value;
        }
        throw new CorruptWorldException("corrupt world file " + source + ": field \"" + field + "\" must be a number");
    }

    private static Integer integer(Map<String, Object> json, String field, String source) {
        Number value = number(json, field, source);
        return value == null ? null : value.intValue();
    }

    private static Double decimal(Map<String, Object> json, String field, String source) {
        Number value = number(json, field, source);
        return value == null ? null : value.doubleValue();
    }

    private static boolean bool(Map<String, Object> json, String field, boolean absent, String source) {
        Object value = json.get(field);
        if (value == null) {
            return absent;
        }
        if (value instanceof Boolean flag) {
            return flag;
        }
        throw new CorruptWorldException("corrupt world file " + source + ": field \"" + field + "\" must be true or false");
    }

    private static Map<String, Object> asObject(Object value) {
        Map<String, Object> copy = new LinkedHashMap<>();
        ((Map<?, ?>) value).forEach((key, inner) -> copy.put(String.valueOf(key), inner));
        return copy;
    }

    private static Map<String, Object> extra(Map<String, Object> json, Set<String> known) {
        Map<String, Object> extra = new LinkedHashMap<>();
        json.forEach((key, value) -> {
            if (!known.contains(key)) {
                extra.put(key, value);
            }
        });
        return extra;
    }

    private static Map<String, Object> with(Map<String, Object> extra, String key, Object value) {
        Map<String, Object> grown = new LinkedHashMap<>(extra);
        grown.put(key, value);
        return grown;
    }

    private static void putIfPresent(Map<String, Object> json, String key, Object value) {
        if (value != null) {
            json.put(key, value);
        }
    }

    private static void putExtra(Map<String, Object> json, Map<String, Object> extra) {
        extra.forEach(json::putIfAbsent);
    }

    private static CorruptWorldException corrupt(String source, RuntimeException cause) {
        if (cause instanceof CorruptWorldException corrupt) {
            return corrupt;
        }
        return new CorruptWorldException("corrupt world file " + source + ": " + cause.getMessage(), cause);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable JSON";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
