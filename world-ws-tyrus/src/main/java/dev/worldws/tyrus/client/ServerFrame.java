package dev.worldws.tyrus.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One message from the server, as received: {@code {"type", "replyTo", "seq", "timestamp", "payload"}}.
 *
 * @param type the message type, for example {@code chat_response}
 * @param replyTo the request id this message answers, or {@code null}
 * @param seq the world sequence number of the event it carries, or {@code -1} if none
 * @param timestamp the server's timestamp, ISO-8601, or {@code null}
 * @param payload the payload (an empty object if the server sent none)
 * @param raw the JSON text as it arrived
 */
public record ServerFrame(String type, String replyTo, long seq, String timestamp, JsonNode payload, String raw) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public ServerFrame {
        Objects.requireNonNull(type, "type");
        payload = payload == null ? NullNode.getInstance() : payload;
    }

    static ServerFrame parse(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || !node.isObject() || !node.path("type").isTextual()) {
                throw new IllegalArgumentException("not a world-ws message: " + abbreviate(text));
            }
            JsonNode seqNode = node.get("seq");
            return new ServerFrame(node.get("type").asText(),
                    node.hasNonNull("replyTo") ? node.get("replyTo").asText() : null,
                    seqNode != null && seqNode.canConvertToLong() ? seqNode.asLong() : -1,
                    node.hasNonNull("timestamp") ? node.get("timestamp").asText() : null,
                    node.has("payload") ? node.get("payload") : JSON.createObjectNode(),
                    text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("server sent invalid JSON: " + abbreviate(text), e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    /** The sequence number, if this message carries a world event. */
    public OptionalLong sequence() {
        return seq < 0 ? OptionalLong.empty() : OptionalLong.of(seq);
    }

    /** A text field of the payload. */
    public Optional<String> text(String field) {
        JsonNode value = payload.get(field);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
    }

    public boolean is(String messageType) {
        return type.equals(messageType);
    }
}
