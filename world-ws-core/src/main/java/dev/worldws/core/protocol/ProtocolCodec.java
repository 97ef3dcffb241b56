package dev.worldws.core.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.worldws.api.AgentId;
import dev.worldws.api.InvalidNameException;
import dev.worldws.api.TemplateName;
import dev.worldws.api.WorldName;
import dev.worldws.api.protocol.AgentPatch;
import dev.worldws.api.protocol.AgentUpdate;
import dev.worldws.api.protocol.ChatHistoryRequest;
import dev.worldws.api.protocol.ChatSend;
import dev.worldws.api.protocol.ClientMessage;
import dev.worldws.api.protocol.ClientMessageType;
import dev.worldws.api.protocol.ClientRequest;
import dev.worldws.api.protocol.ErrorCode;
import dev.worldws.api.protocol.EventSubscribe;
import dev.worldws.api.protocol.EventUnsubscribe;
import dev.worldws.api.protocol.Ping;
import dev.worldws.api.protocol.ServerMessage;
import dev.worldws.api.protocol.WorldReload;
import dev.worldws.api.protocol.WorldSelect;
import java.io.IOException;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns client frames into typed {@link ClientMessage}s and {@link ServerMessage}s into frames.
 *
 * <p>Decoding streams the envelope and builds a tree only of the (small) payload. Every failure is a
 * {@link ProtocolException} with a stable code: {@code invalid_json} (not a JSON object), {@code unknown_type},
 * {@code invalid_payload} (naming the field, for example {@code payload.worldName}) or {@code invalid_name}.
 * Unknown fields are ignored everywhere except in an agent patch, where they are merged into the agent's
 * {@code extra}.
 *
 * <p>Thread-safe and stateless; share one instance ({@link #shared()}).
 */
public final class ProtocolCodec {
    /** Longest {@code sender} name accepted, in characters. */
    public static final int MAX_SENDER_LENGTH = 64;
    private static final int MAX_CHAT_ID_LENGTH = 128;
    private static final int MAX_FILTER_ENTRIES = 64;

    private static final ProtocolCodec SHARED = new ProtocolCodec();

    private final ObjectMapper mapper;
    private final ServerMessageEncoder encoder;
    private final JsonFactory factory;

    private ProtocolCodec() {
        SimpleModule instants = new SimpleModule("world-ws-instants");
        instants.addSerializer(Instant.class, ToStringSerializer.instance);
        mapper = new ObjectMapper()
                .registerModule(instants)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
        factory = mapper.getFactory();
        encoder = new ServerMessageEncoder(mapper);
    }

    /** The one codec of the process. */
    public static ProtocolCodec shared() {
        return SHARED;
    }

    /** The mapper the codec uses (configured for the protocol: ISO-8601 instants, no null fields). */
    public ObjectMapper mapper() {
        return mapper;
    }

    /**
     * Encodes a server message as {@code {"type", "replyTo", "seq", "timestamp", "payload"}}, omitting nulls; the
     * payload's fields in the order of its record's components. Streams the fields (no reflection or serializer
     * lookups), since every frame a server sends passes here.
     */
    public String encode(ServerMessage message) {
        try {
            return encoder.encode(message);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + message.messageType().wireName() + ": " + e, e);
        }
    }

    /**
     * Decodes one client frame.
     *
     * @throws ProtocolException if the frame is not a valid request; its {@link ProtocolException#requestId()} is
     *         the frame's id when that could be read
     */
    public ClientMessage decode(String text) {
        String type = null;
        String id = null;
        boolean idInvalid = false;
        String idProblem = null;
        JsonNode payload = null;
        try (JsonParser parser = factory.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw invalidJson("the frame must be a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "type" -> {
                        if (value != JsonToken.VALUE_STRING) {
                            throw new ProtocolException(ErrorCode.INVALID_PAYLOAD, "type: must be a string", null,
                                    Map.of("field", "type"));
                        }
                        type = parser.getText();
                    }
                    case "id" -> {
                        if (value == JsonToken.VALUE_STRING) {
                            id = parser.getText();
                            idProblem = idProblem(id);
                        } else if (value == JsonToken.VALUE_NUMBER_INT) {
                            id = parser.getText();
                        } else if (value != JsonToken.VALUE_NULL) {
                            idProblem = "must be a string";
                            parser.skipChildren();
                        }
                        idInvalid = idProblem != null;
                    }
                    case "payload" -> {
                        if (value == JsonToken.VALUE_NULL) {
                            payload = null;
                        } else if (value != JsonToken.START_OBJECT) {
                            parser.skipChildren();
                            payload = mapper.getNodeFactory().textNode("not an object");
                        } else {
                            payload = mapper.readTree(parser);
                        }
                    }
                    default -> parser.skipChildren();
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw invalidJson("the frame must hold exactly one JSON object");
            }
        } catch (ProtocolException e) {
            throw e;
        } catch (JsonProcessingException e) {
            throw invalidJson("the frame is not valid JSON: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw invalidJson("the frame is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (idInvalid) {
            throw new ProtocolException(ErrorCode.INVALID_PAYLOAD, "id: " + idProblem, null, Map.of("field", "id"));
        }
        if (type == null) {
            throw new ProtocolException(ErrorCode.INVALID_PAYLOAD, "type: required", id, Map.of("field", "type"));
        }
        String requestType = type;
        String requestId = id;
        ClientMessageType messageType = ClientMessageType.fromWireName(type).orElseThrow(() -> new ProtocolException(
                ErrorCode.UNKNOWN_TYPE, "unknown message type \"" + printable(requestType) + "\"", requestId,
                Map.of("type", printable(requestType))));
        if (payload != null && !payload.isObject()) {
            throw new ProtocolException(ErrorCode.INVALID_PAYLOAD, "payload: must be an object", id,
                    Map.of("field", "payload"));
        }
        Fields fields = new Fields(payload, "payload");
        try {
            return new ClientMessage(id, decodePayload(messageType, fields));
        } catch (ProtocolException e) {
            throw e.withRequestId(id);
        }
    }

    private ClientRequest decodePayload(ClientMessageType type, Fields fields) {
        return switch (type) {
            case WORLD_SELECT -> new WorldSelect(
                    fields.name("templateName", TemplateName::new),
                    fields.name("worldName", WorldName::new),
                    fields.optionalBoolean("persistent", true),
                    fields.optionalNonNegativeLong("resumeFrom"),
                    fields.optionalString("epoch", 64));
            case CHAT_SEND -> {
                String content = fields.requiredString("content", ChatSend.MAX_CONTENT_LENGTH);
                if (content.isBlank()) {
                    throw fields.invalid("content", "must not be blank");
                }
                String chatId = fields.optionalString("chatId", MAX_CHAT_ID_LENGTH);
                String sender = fields.optionalString("sender", MAX_SENDER_LENGTH);
                if (sender != null && (sender.isBlank() || !printableOnly(sender))) {
                    throw fields.invalid("sender", "must be a non-blank name without control characters");
                }
                if (chatId != null && !WorldName.isValid(chatId)) {
                    // the chat's messages are stored in chats/{chatId}.json and events/{chatId}.json
                    throw new ProtocolException(ErrorCode.INVALID_NAME, "payload.chatId: \"" + printable(chatId)
                            + "\" is not a valid chat id: 1 to 64 letters, digits, '.', '_' or '-', starting with a"
                            + " letter or digit", null, Map.of("field", "payload.chatId"));
                }
                yield new ChatSend(content, chatId, sender);
            }
            case AGENT_UPDATE -> new AgentUpdate(fields.name("agentName", AgentId::new),
                    agentPatch(fields.requiredObject("config")));
            case WORLD_RELOAD -> new WorldReload();
            case EVENT_SUBSCRIBE -> new EventSubscribe(fields.eventTypes("eventTypes"),
                    fields.optionalStringSet("agentFilter", null), fields.optionalString("chatId", MAX_CHAT_ID_LENGTH));
            case EVENT_UNSUBSCRIBE -> new EventUnsubscribe(fields.eventTypes("eventTypes"));
            case PING -> new Ping();
            case CHAT_HISTORY -> {
                String chatId = fields.optionalString("chatId", MAX_CHAT_ID_LENGTH);
                if (chatId != null && !WorldName.isValid(chatId)) {
                    throw new ProtocolException(ErrorCode.INVALID_NAME, "payload.chatId: \"" + printable(chatId)
                            + "\" is not a valid chat id", null, Map.of("field", "payload.chatId"));
                }
                String before = fields.optionalString("before", MAX_CHAT_ID_LENGTH);
                if (before != null && (before.isBlank() || !printableOnly(before))) {
                    throw fields.invalid("before", "must be a message id");
                }
                Integer limit = fields.optionalInt("limit");
                if (limit != null && (limit < 1 || limit > ChatHistoryRequest.MAX_LIMIT)) {
                    throw fields.invalid("limit", "must be 1 to " + ChatHistoryRequest.MAX_LIMIT);
                }
                yield new ChatHistoryRequest(chatId, before, limit);
            }
        };
    }

    private AgentPatch agentPatch(Fields config) {
        Map<String, Object> extra = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = config.node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> entry = it.next();
            switch (entry.getKey()) {
                case "name", "type", "active", "autoReply", "provider", "model", "temperature", "maxTokens",
                        "systemPrompt" -> { }
                case "id" -> throw config.invalid("id", "cannot be changed");
                case "llmCallCount" -> throw config.invalid("llmCallCount", "is kept by the server");
                default -> extra.put(entry.getKey(), mapper.convertValue(entry.getValue(), Object.class));
            }
        }
        String name = config.optionalString("name", 128);
        if (name != null && name.isBlank()) {
            throw config.invalid("name", "must not be blank");
        }
        Double temperature = config.optionalDouble("temperature");
        if (temperature != null && (temperature < 0 || temperature > 2)) {
            throw config.invalid("temperature", "must be between 0 and 2");
        }
        Integer maxTokens = config.optionalInt("maxTokens");
        if (maxTokens != null && maxTokens < 1) {
            throw config.invalid("maxTokens", "must be at least 1");
        }
        return new AgentPatch(name, config.optionalString("type", 128), config.optionalBooleanOrNull("active"),
                config.optionalBooleanOrNull("autoReply"), config.optionalString("provider", 128),
                config.optionalString("model", 256), temperature, maxTokens,
                config.optionalString("systemPrompt", ChatSend.MAX_CONTENT_LENGTH), extra);
    }

    /** Reads typed fields of one JSON object and names the failing field in errors. */
    private final class Fields {
        private final JsonNode node;
        private final String path;

        Fields(JsonNode node, String path) {
            this.node = node == null ? mapper.createObjectNode() : node;
            this.path = path;
        }

        ProtocolException invalid(String field, String problem) {
            String full = path + "." + field;
            return new ProtocolException(ErrorCode.INVALID_PAYLOAD, full + ": " + problem, null,
                    Map.of("field", full));
        }

        private JsonNode present(String field) {
            JsonNode value = node.get(field);
            return value == null || value.isNull() ? null : value;
        }

        String requiredString(String field, int maxLength) {
            String value = optionalString(field, maxLength);
            if (value == null) {
                throw invalid(field, "required string");
            }
            return value;
        }

        String optionalString(String field, int maxLength) {
            JsonNode value = present(field);
            if (value == null) {
                return null;
            }
            if (!value.isTextual()) {
                throw invalid(field, "must be a string");
            }
            String text = value.textValue();
            if (text.length() > maxLength) {
                throw invalid(field, "must be at most " + maxLength + " characters (has " + text.length() + ")");
            }
            return text;
        }

        <T> T name(String field, Function<String, T> constructor) {
            JsonNode value = present(field);
            if (value == null) {
                throw invalid(field, "required string");
            }
            if (!value.isTextual()) {
                throw invalid(field, "must be a string");
            }
            try {
                return constructor.apply(value.textValue());
            } catch (InvalidNameException e) {
                String full = path + "." + field;
                throw new ProtocolException(ErrorCode.INVALID_NAME, full + ": " + e.getMessage(), null,
                        Map.of("field", full));
            }
        }

        boolean optionalBoolean(String field, boolean absent) {
            Boolean value = optionalBooleanOrNull(field);
            return value == null ? absent : value;
        }

        Boolean optionalBooleanOrNull(String field) {
            JsonNode value = present(field);
            if (value == null) {
                return null;
            }
            if (!value.isBoolean()) {
                throw invalid(field, "must be true or false");
            }
            return value.booleanValue();
        }

        Long optionalNonNegativeLong(String field) {
            JsonNode value = present(field);
            if (value == null) {
                return null;
            }
            if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
                throw invalid(field, "must be a non-negative integer");
            }
            return value.longValue();
        }

        Integer optionalInt(String field) {
            JsonNode value = present(field);
            if (value == null) {
                return null;
            }
            if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                throw invalid(field, "must be an integer");
            }
            return value.intValue();
        }

        Double optionalDouble(String field) {
            JsonNode value = present(field);
            if (value == null) {
                return null;
            }
            if (!value.isNumber()) {
                throw invalid(field, "must be a number");
            }
            return value.doubleValue();
        }

        Fields requiredObject(String field) {
            JsonNode value = present(field);
            if (value == null) {
                throw invalid(field, "required object");
            }
            if (!value.isObject()) {
                throw invalid(field, "must be an object");
            }
            return new Fields(value, path + "." + field);
        }

        /** A string or an array of strings; {@code null} if absent. */
        Set<String> optionalStringSet(String field, Set<String> allowed) {
            JsonNode value = present(field);
            if (value == null) {
                return null;
            }
            Set<String> result = new LinkedHashSet<>();
            if (value.isTextual()) {
                result.add(checkEntry(field, value.textValue(), allowed));
                return result;
            }
            if (!value.isArray()) {
                throw invalid(field, "must be a string or an array of strings");
            }
            if (value.size() > MAX_FILTER_ENTRIES) {
                throw invalid(field, "must have at most " + MAX_FILTER_ENTRIES + " entries");
            }
            for (int i = 0; i < value.size(); i++) {
                JsonNode entry = value.get(i);
                if (!entry.isTextual()) {
                    throw invalid(field + "[" + i + "]", "must be a string");
                }
                result.add(checkEntry(field + "[" + i + "]", entry.textValue(), allowed));
            }
            return result;
        }

        Set<String> eventTypes(String field) {
            return optionalStringSet(field, EventSubscribe.EVENT_TYPES);
        }

        private String checkEntry(String field, String entry, Set<String> allowed) {
            if (allowed != null && !allowed.contains(entry)) {
                throw invalid(field, "\"" + printable(entry) + "\" is not one of " + String.join(", ",
                        allowed.stream().sorted().toList()));
            }
            if (entry.isEmpty() || entry.length() > 128) {
                throw invalid(field, "must be 1 to 128 characters");
            }
            return entry;
        }
    }

    private static ProtocolException invalidJson(String message) {
        return new ProtocolException(ErrorCode.INVALID_JSON, message, null, Map.of());
    }

    private static String idProblem(String id) {
        if (id.isEmpty() || id.length() > ClientMessage.MAX_ID_LENGTH) {
            return "must be 1 to " + ClientMessage.MAX_ID_LENGTH + " characters";
        }
        if (!printableOnly(id)) {
            return "must not contain control characters";
        }
        return null;
    }

    private static boolean printableOnly(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static String printable(String value) {
        StringBuilder out = new StringBuilder();
        int limit = Math.min(value.length(), 64);
        for (int i = 0; i < limit; i++) {
            char c = value.charAt(i);
            out.append(c < 0x20 || c == 0x7f || c == '"' ? '?' : c);
        }
        return value.length() > limit ? out + "..." : out.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
