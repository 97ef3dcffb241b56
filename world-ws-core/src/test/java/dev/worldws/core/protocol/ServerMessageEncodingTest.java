package dev.worldws.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.worldws.api.WorldKey;
import dev.worldws.api.event.ActivityEvent;
import dev.worldws.api.event.MessageEvent;
import dev.worldws.api.event.SenderType;
import dev.worldws.api.event.StreamEvent;
import dev.worldws.api.event.WorldEvent;
import dev.worldws.api.protocol.ActivityView;
import dev.worldws.api.protocol.AgentUpdated;
import dev.worldws.api.protocol.AgentView;
import dev.worldws.api.protocol.ChatHistory;
import dev.worldws.api.protocol.ChatResponse;
import dev.worldws.api.protocol.Connected;
import dev.worldws.api.protocol.ErrorCode;
import dev.worldws.api.protocol.ErrorPayload;
import dev.worldws.api.protocol.EventView;
import dev.worldws.api.protocol.EventStream;
import dev.worldws.api.protocol.MessageView;
import dev.worldws.api.protocol.NoticeView;
import dev.worldws.api.protocol.Pong;
import dev.worldws.api.protocol.ServerMessage;
import dev.worldws.api.protocol.ServerMessageType;
import dev.worldws.api.protocol.ServerPayload;
import dev.worldws.api.protocol.Status;
import dev.worldws.api.protocol.WorldReloaded;
import dev.worldws.api.protocol.WorldSelected;
import dev.worldws.api.protocol.WorldView;
import java.math.BigDecimal;
import java.lang.reflect.RecordComponent;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The streaming encoder must give exactly the text the mapper's bean serialisation of the payload records gives
 * (what the server sent before, and what docs/protocol.md shows): same field order, nulls left out, same escapes,
 * same numbers and timestamps. Every message type is pinned against that reference, the hottest ones also
 * against literal text.
 */
@DisplayName("encoding server messages")
class ServerMessageEncodingTest {
    private static final String AWKWARD = "quote \" backslash \\ slash / tab \t newline \n nul \u0000 bell \u0007 "
            + "backspace \b formfeed \f return \r vt \u000b unit \u001f escape \u001b "
            + "del \u007f é ü 漢字 emoji \uD83D\uDE00 separators \u2028\u2029 lone \uD800 end";
    private static final Instant MILLIS = Instant.parse("2026-11-25T18:15:36.765Z");
    private static final Instant MICROS = Instant.parse("2026-11-25T18:15:36.765432Z");
    private static final Instant NANOS = Instant.parse("2026-02-28T23:59:59.000000001Z");
    private static final Instant WHOLE_SECOND = Instant.parse("2024-02-29T00:00:00Z");

    private final ProtocolCodec codec = ProtocolCodec.shared();

    /** How the codec encoded before the streaming encoder: the mapper serialising the payload records. */
    @JsonPropertyOrder({"type", "replyTo", "seq", "timestamp", "payload"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Envelope(String type, String replyTo, Long seq, Instant timestamp, ServerPayload payload) {
    }

    private final ObjectWriter reference = codec.mapper().writerFor(Envelope.class);

    private String referenceEncoding(ServerMessage message) throws Exception {
        return reference.writeValueAsString(new Envelope(message.messageType().wireName(), message.replyTo(),
                message.seq(), message.timestamp(), message.payload()));
    }

    static Stream<ServerMessage> samples() {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("offlineReplies", List.of("Hello {sender}.", AWKWARD));
        extra.put("nested", Map.of("depth", Map.of("n", 1)));
        extra.put("nothing", null);
        Map<String, Object> withNull = new LinkedHashMap<>();
        withNull.put("gone", null);
        withNull.put("kept", 1);
        extra.put("nestedWithNull", withNull);
        extra.put("listOfMapWithNull", List.of(withNull));
        extra.put("int", 7);
        extra.put("long", 1L << 40);
        extra.put("double", 0.1);
        extra.put("exponent", 1.0e-9);
        extra.put("big", new BigDecimal("12345678901234567890.125"));
        extra.put("huge", new BigInteger("123456789012345678901234567890"));
        extra.put("notANumber", Double.NaN);
        extra.put("infinite", Double.NEGATIVE_INFINITY);
        extra.put("float", 1.5f);
        extra.put("short", (short) 3);
        extra.put("array", new String[] {"a", AWKWARD});
        extra.put("intKeys", Map.of(1, "one"));
        extra.put("flag", false);
        extra.put("listWithNull", Arrays.asList(1, null, "x"));
        extra.put("set", new LinkedHashSet<>(List.of("b", "a")));
        extra.put(AWKWARD, "awkward key");
        AgentView full = new AgentView("smith", "Smith", "helper", true, false, "offline", "none", 0.4, 2048, 3,
                "You are Smith.\n\nBe brief.", 12, extra);
        AgentView sparse = new AgentView("poet", null, null, false, true, null, null, null, null, 0, null, null,
                Map.of());
        AgentView noExtra = new AgentView("bare", "Bare", "t", true, true, "p", "m", 2.0, 1, 0, "", 0, null);
        WorldView world = new WorldView("workshop", "Workshop", AWKWARD, 5, "smith", "chat-1", "workshop", MICROS);
        WorldView sparseWorld = new WorldView("w", null, null, 0, null, null, null, null);
        MessageView human = new MessageView("message", "chat-1", "msg-bdd62f98-1", "human", "human", AWKWARD, null,
                MILLIS);
        MessageView reply = new MessageView("message", "chat-1", "msg-2fb3bbb4-2", "smith", "agent", "Hello human.",
                "msg-bdd62f98-1", NANOS);
        Map<String, Object> accepted = new LinkedHashMap<>();
        accepted.put("messageId", "msg-bdd62f98-1");
        accepted.put("chatId", "chat-1");
        accepted.put("seq", 1L);
        Map<String, Object> filter = new LinkedHashMap<>();
        filter.put("eventTypes", List.of("message", "stream"));
        filter.put("agentFilter", "all");
        filter.put("chatId", "all");
        return Stream.of(
                new ServerMessage(null, null, MILLIS, new Connected("7febd2c8-5d97-4c49-8aa1-a56ab8b3a32f",
                        "anon-50bad5c6", true, "AAAA-token_x", 25_000, 65_536)),
                new ServerMessage(null, null, MILLIS, new Connected("c", "ann", false, null, 0, 1)),
                new ServerMessage("r1", null, MICROS, new WorldSelected("my-workshop", "workshop", world,
                        List.of(full, sparse, noExtra), true, null, 0, "dc250c90", "chat-1", List.of(human, reply),
                        false)),
                new ServerMessage("r1", null, MICROS, new WorldSelected("w", null, sparseWorld, List.of(), false, true,
                        41, null, null, null, null)),
                new ServerMessage(null, 4L, MILLIS, new ChatResponse("smith", "msg-2", "msg-1", "chat-1", "chunk",
                        AWKWARD, false)),
                new ServerMessage(null, 5L, NANOS, new ChatResponse("smith", "msg-2", null, null, "start", "", false)),
                new ServerMessage(null, 6L, WHOLE_SECOND, new ChatResponse("smith", "msg-2", "msg-1", "chat-1", "end",
                        "Hello human.", true)),
                new ServerMessage(null, 7L, MILLIS, new EventStream("message", reply)),
                new ServerMessage(null, 8L, MICROS, new EventStream("world", new ActivityView("response-start", "chat-1",
                        2, List.of("smith", "poet")))),
                new ServerMessage(null, 9L, MICROS, new EventStream("world", new ActivityView("idle", null, 0,
                        List.of()))),
                new ServerMessage(null, 10L, MILLIS, new EventStream("system", new NoticeView("notice", "chat-1",
                        "msg-3", AWKWARD))),
                new ServerMessage(null, 11L, MILLIS, new AgentUpdated("smith", full, "7febd2c8")),
                new ServerMessage(null, 12L, MILLIS, new AgentUpdated("poet", sparse, null)),
                new ServerMessage(null, 13L, MILLIS, new WorldReloaded(world, List.of(full, sparse), "7febd2c8")),
                new ServerMessage(null, 14L, MILLIS, new WorldReloaded(sparseWorld, List.of(), null)),
                new ServerMessage("r3", null, MILLIS, new Status(Status.MESSAGE_ACCEPTED, "message accepted",
                        accepted)),
                new ServerMessage("r2", null, MILLIS, new Status(Status.SUBSCRIBED, "subscribed", filter)),
                new ServerMessage(null, null, MILLIS, new Status(Status.SERVER_SHUTDOWN, null,
                        Map.of("graceMillis", 10_000L))),
                new ServerMessage("r6", null, MILLIS, new ErrorPayload("invalid_payload",
                        "payload.worldName: required string", Map.of("field", "payload.worldName"))),
                new ServerMessage(AWKWARD, null, MILLIS, ErrorPayload.of(ErrorCode.INTERNAL, AWKWARD)),
                new ServerMessage("r8", null, WHOLE_SECOND, new Pong()),
                new ServerMessage("r9", null, MILLIS, new ChatHistory("chat-1", List.of(human, reply), true)),
                new ServerMessage("r9", null, MILLIS, new ChatHistory(null, List.of(), false)));
    }

    static Stream<Named<ServerMessage>> namedSamples() {
        AtomicInteger index = new AtomicInteger();
        return samples().map(message -> Named.of(message.messageType().wireName() + " #" + index.incrementAndGet(),
                message));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namedSamples")
    @DisplayName("every message is the text the mapper's record serialisation gives")
    void sameAsTheMapper(ServerMessage message) throws Exception {
        String encoded = codec.encode(message);
        String expected = referenceEncoding(message);
        assertThat(encoded).as(() -> firstDifference(encoded, expected)).isEqualTo(expected);
        assertThat(codec.mapper().readTree(encoded)).isEqualTo(codec.mapper().readTree(expected));
    }

    private static String firstDifference(String actual, String expected) {
        int at = 0;
        while (at < actual.length() && at < expected.length() && actual.charAt(at) == expected.charAt(at)) {
            at++;
        }
        int from = Math.max(0, at - 40);
        return "first difference at " + at + ": got ..." + visible(actual.substring(from, Math.min(actual.length(),
                at + 60))) + " expected ..." + visible(expected.substring(from, Math.min(expected.length(), at + 60)));
    }

    private static String visible(String text) {
        StringBuilder out = new StringBuilder();
        text.chars().forEach(c -> out.append(c < 0x20 || c > 0x7e ? String.format("<%04x>", c) : String.valueOf((char) c)));
        return out.toString();
    }

    @Test
    @DisplayName("the samples cover every server message type")
    void everyTypeHasASample() {
        Set<ServerMessageType> covered = EnumSet.noneOf(ServerMessageType.class);
        samples().forEach(message -> covered.add(message.messageType()));
        assertThat(covered).containsExactlyInAnyOrder(ServerMessageType.values());
    }

    @Test
    @DisplayName("the samples give every field of every payload record a value, so a new field cannot go unencoded")
    void everyFieldHasAValue() throws Exception {
        Set<String> valued = new LinkedHashSet<>();
        for (ServerMessage message : samples().toList()) {
            collectValued(message.payload(), valued);
        }
        List<Class<?>> records = new ArrayList<>(List.of(ServerPayload.class.getPermittedSubclasses()));
        records.addAll(List.of(EventView.class.getPermittedSubclasses()));
        records.addAll(List.of(WorldView.class, AgentView.class));
        List<String> missing = new ArrayList<>();
        for (Class<?> type : records) {
            for (RecordComponent component : type.getRecordComponents()) {
                String field = type.getSimpleName() + "." + component.getName();
                if (!valued.contains(field)) {
                    missing.add(field);
                }
            }
        }
        assertThat(missing).as("record fields no sample sets").isEmpty();
    }

    private static void collectValued(Object value, Set<String> valued) throws Exception {
        if (value instanceof Collection<?> collection) {
            for (Object element : collection) {
                collectValued(element, valued);
            }
        } else if (value != null && value.getClass().isRecord()) {
            for (RecordComponent component : value.getClass().getRecordComponents()) {
                Object field = component.getAccessor().invoke(value);
                if (field != null) {
                    valued.add(value.getClass().getSimpleName() + "." + component.getName());
                    collectValued(field, valued);
                }
            }
        }
    }

    @Nested
    @DisplayName("the frames of a chat exchange, as docs/protocol.md shows them")
    class Literal {
        @Test
        @DisplayName("chat_response")
        void chatResponse() {
            assertThat(codec.encode(new ServerMessage(null, 4L, MILLIS, new ChatResponse("smith", "msg-2fb3bbb4",
                    "msg-bdd62f98", "chat-1", "chunk", "Hello \"you\"\n", false)))).isEqualTo(
                    "{\"type\":\"chat_response\",\"seq\":4,\"timestamp\":\"2026-11-25T18:15:36.765Z\",\"payload\":{"
                            + "\"agentName\":\"smith\",\"messageId\":\"msg-2fb3bbb4\",\"replyToMessageId\":\"msg-bdd62f98\","
                            + "\"chatId\":\"chat-1\",\"kind\":\"chunk\",\"content\":\"Hello \\\"you\\\"\\n\",\"complete\":false}}");
        }

        @Test
        @DisplayName("event_stream message and activity")
        void eventStream() {
            assertThat(codec.encode(new ServerMessage(null, 7L, MICROS, new EventStream("message", new MessageView(
                    "message", "chat-1", "msg-2", "smith", "agent", "Hi\u0001", "msg-1", MICROS))))).isEqualTo(
                    "{\"type\":\"event_stream\",\"seq\":7,\"timestamp\":\"2026-11-25T18:15:36.765432Z\",\"payload\":{"
                            + "\"eventType\":\"message\",\"event\":{\"type\":\"message\",\"chatId\":\"chat-1\","
                            + "\"messageId\":\"msg-2\",\"sender\":\"smith\",\"senderType\":\"agent\",\"content\":\"Hi\\u0001\","
                            + "\"replyToMessageId\":\"msg-1\",\"createdAt\":\"2026-11-25T18:15:36.765432Z\"}}}");
            assertThat(codec.encode(new ServerMessage(null, 8L, WHOLE_SECOND, new EventStream("world",
                    new ActivityView("response-start", "chat-1", 2, List.of("smith", "poet")))))).isEqualTo(
                    "{\"type\":\"event_stream\",\"seq\":8,\"timestamp\":\"2024-02-29T00:00:00Z\",\"payload\":{"
                            + "\"eventType\":\"world\",\"event\":{\"type\":\"response-start\",\"chatId\":\"chat-1\","
                            + "\"pendingOperations\":2,\"activeAgents\":[\"smith\",\"poet\"]}}}");
        }

        @Test
        @DisplayName("status message_accepted and error")
        void statusAndError() {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("messageId", "msg-1");
            data.put("chatId", "chat-1");
            data.put("seq", 1L);
            assertThat(codec.encode(new ServerMessage("r3", null, NANOS, new Status(Status.MESSAGE_ACCEPTED,
                    "message accepted", data)))).isEqualTo(
                    "{\"type\":\"status\",\"replyTo\":\"r3\",\"timestamp\":\"2026-02-28T23:59:59.000000001Z\","
                            + "\"payload\":{\"type\":\"message_accepted\",\"message\":\"message accepted\","
                            + "\"data\":{\"messageId\":\"msg-1\",\"chatId\":\"chat-1\",\"seq\":1}}}");
            assertThat(codec.encode(new ServerMessage("r6", null, MILLIS, new ErrorPayload("invalid_payload",
                    "payload.worldName: required string", Map.of("field", "payload.worldName"))))).isEqualTo(
                    "{\"type\":\"error\",\"replyTo\":\"r6\",\"timestamp\":\"2026-11-25T18:15:36.765Z\",\"payload\":{"
                            + "\"code\":\"invalid_payload\",\"message\":\"payload.worldName: required string\","
                            + "\"details\":{\"field\":\"payload.worldName\"}}}");
        }
    }

    @Nested
    @DisplayName("world events as frames")
    class EventFrames {
        private final WorldKey world = WorldKey.of("ann", "garden");

        private JsonNode frame(WorldEvent event) throws Exception {
            return codec.mapper().readTree(codec.encode(Views.message(event)));
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(StreamEvent.Kind.class)
        @DisplayName("every reply step has its kind's wire name, and only end and error are complete")
        void replySteps(StreamEvent.Kind kind) throws Exception {
            JsonNode frame = frame(new StreamEvent(world, "chat-1", 3, MILLIS, "smith", "msg-2", "msg-1", kind, "x"));
            assertThat(frame.path("type").asText()).isEqualTo("chat_response");
            assertThat(frame.path("seq").asLong()).isEqualTo(3);
            assertThat(frame.path("payload").path("kind").asText()).isEqualTo(switch (kind) {
                case START -> "start";
                case CHUNK -> "chunk";
                case END -> "end";
                case ERROR -> "error";
            });
            assertThat(frame.path("payload").path("complete").asBoolean())
                    .isEqualTo(kind == StreamEvent.Kind.END || kind == StreamEvent.Kind.ERROR);
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(SenderType.class)
        @DisplayName("a message event names its sender type in lower case")
        void senderTypes(SenderType senderType) throws Exception {
            JsonNode event = frame(new MessageEvent(world, "chat-1", 4, MILLIS, "msg-3", "someone", senderType, "hi",
                    null, null)).path("payload").path("event");
            assertThat(event.path("senderType").asText()).isEqualTo(switch (senderType) {
                case HUMAN -> "human";
                case AGENT -> "agent";
                case WORLD -> "world";
                case SYSTEM -> "system";
            });
            assertThat(event.has("replyToMessageId")).isFalse();
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(ActivityEvent.Kind.class)
        @DisplayName("activity has the documented event types")
        void activity(ActivityEvent.Kind kind) throws Exception {
            JsonNode payload = frame(new ActivityEvent(world, "chat-1", 5, MILLIS, kind, 1, List.of("smith")))
                    .path("payload");
            assertThat(payload.path("eventType").asText()).isEqualTo("world");
            assertThat(payload.path("event").path("type").asText()).isEqualTo(switch (kind) {
                case RESPONSE_START -> "response-start";
                case RESPONSE_END -> "response-end";
                case IDLE -> "idle";
            });
        }
    }

    @Nested
    @DisplayName("timestamps")
    class Timestamps {
        @Test
        @DisplayName("are Instant.toString() (and stored with .000 for a whole second): whole seconds, millis, micros, nanos, leap days, the edges")
        void likeInstantToString() {
            List<Instant> instants = new ArrayList<>(List.of(Instant.EPOCH, MILLIS, MICROS, NANOS, WHOLE_SECOND,
                    Instant.parse("1970-01-01T00:00:00.100Z"), Instant.parse("2000-02-29T12:34:56.000100Z"),
                    Instant.parse("2100-03-01T00:00:00Z"), Instant.parse("1999-12-31T23:59:59.999999999Z"),
                    Instant.parse("9999-12-31T23:59:59.999Z"), Instant.parse("+10000-01-01T00:00:00Z"),
                    Instant.parse("1969-12-31T23:59:59.5Z"), Instant.parse("0001-01-01T00:00:00Z"),
                    Instant.MIN, Instant.MAX));
            Random random = new Random(42);
            for (int i = 0; i < 20_000; i++) {
                long second = random.nextLong(253_402_300_800L);
                int nanos = switch (i % 4) {
                    case 0 -> 0;
                    case 1 -> random.nextInt(1000) * 1_000_000;
                    case 2 -> random.nextInt(1_000_000) * 1_000;
                    default -> random.nextInt(1_000_000_000);
                };
                instants.add(Instant.ofEpochSecond(second, nanos));
            }
            for (Instant instant : instants) {
                assertThat(IsoInstants.format(instant)).as("%s", instant).isEqualTo(instant.toString());
                String stored = instant.getNano() == 0
                        ? instant.toString().substring(0, instant.toString().length() - 1) + ".000Z" : instant.toString();
                assertThat(IsoInstants.storedText(instant)).as("stored %s", instant).isEqualTo(stored);
            }
        }
    }
}
