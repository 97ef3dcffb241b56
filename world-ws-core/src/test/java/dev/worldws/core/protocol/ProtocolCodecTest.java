package dev.worldws.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.worldws.api.protocol.AgentUpdate;
import dev.worldws.api.protocol.ChatHistoryRequest;
import dev.worldws.api.protocol.ChatSend;
import dev.worldws.api.protocol.ClientMessage;
import dev.worldws.api.protocol.ErrorCode;
import dev.worldws.api.protocol.ErrorPayload;
import dev.worldws.api.protocol.EventSubscribe;
import dev.worldws.api.protocol.Ping;
import dev.worldws.api.protocol.Pong;
import dev.worldws.api.protocol.ServerMessage;
import dev.worldws.api.protocol.WorldSelect;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("the protocol codec")
class ProtocolCodecTest {
    private final ProtocolCodec codec = ProtocolCodec.shared();

    private ProtocolException failure(String frame) {
        try {
            codec.decode(frame);
        } catch (ProtocolException e) {
            return e;
        }
        throw new AssertionError("decoded " + frame);
    }

    @Nested
    @DisplayName("decoding requests")
    class Decoding {
        @Test
        @DisplayName("world_select with every field, unknown fields ignored")
        void worldSelect() {
            ClientMessage message = codec.decode("{\"type\":\"world_select\",\"id\":\"1\",\"extra\":[1,{}],\"payload\":"
                    + "{\"templateName\":\"garden\",\"worldName\":\"my-garden\",\"persistent\":false,\"resumeFrom\":42,"
                    + "\"epoch\":\"e1\",\"color\":\"blue\"}}");
            assertThat(message.id()).isEqualTo("1");
            WorldSelect select = (WorldSelect) message.request();
            assertThat(select.templateName().value()).isEqualTo("garden");
            assertThat(select.worldName().value()).isEqualTo("my-garden");
            assertThat(select.persistent()).isFalse();
            assertThat(select.resumeFrom()).isEqualTo(42L);
            assertThat(select.epoch()).isEqualTo("e1");
        }

        @Test
        @DisplayName("chat_send, agent_update, event_subscribe and ping")
        void others() {
            ChatSend chat = (ChatSend) codec.decode("{\"type\":\"chat_send\",\"payload\":{\"content\":\"hi\",\"chatId\":\"c1\"}}")
                    .request();
            assertThat(chat).isEqualTo(new ChatSend("hi", "c1", null));
            AgentUpdate update = (AgentUpdate) codec.decode("{\"type\":\"agent_update\",\"payload\":{\"agentName\":\"poet\","
                    + "\"config\":{\"name\":\"Poet\",\"temperature\":0.5,\"offlineReplies\":[\"x\"]}}}").request();
            assertThat(update.config().name()).isEqualTo("Poet");
            assertThat(update.config().temperature()).isEqualTo(0.5);
            assertThat(update.config().extra()).isEqualTo(Map.of("offlineReplies", List.of("x")));
            EventSubscribe subscribe = (EventSubscribe) codec.decode("{\"type\":\"event_subscribe\",\"payload\":"
                    + "{\"eventTypes\":[\"message\",\"stream\"],\"agentFilter\":\"poet\"}}").request();
            assertThat(subscribe.eventTypes()).containsExactlyInAnyOrder("message", "stream");
            assertThat(subscribe.agentFilter()).isEqualTo(Set.of("poet"));
            assertThat(codec.decode("{\"type\":\"ping\"}").request()).isEqualTo(new Ping());
            assertThat(codec.decode("{\"type\":\"chat_history\",\"payload\":{\"chatId\":\"c1\",\"before\":\"msg-1\","
                    + "\"limit\":20}}").request()).isEqualTo(new ChatHistoryRequest("c1", "msg-1", 20));
            assertThat(((ChatHistoryRequest) codec.decode("{\"type\":\"chat_history\"}").request()).effectiveLimit())
                    .isEqualTo(ChatHistoryRequest.DEFAULT_LIMIT);
            for (String limit : List.of("0", "201", "\"ten\"")) {
                assertThat(failure("{\"type\":\"chat_history\",\"payload\":{\"limit\":" + limit + "}}").details())
                        .containsEntry("field", "payload.limit");
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {"not json", "[1,2]", "\"text\"", "{\"type\":\"ping\"} {}", "{\"type\":", ""})
        @DisplayName("anything but one JSON object is invalid_json")
        void invalidJson(String frame) {
            assertThat(failure(frame).errorCode()).isEqualTo(ErrorCode.INVALID_JSON);
        }

        @Test
        @DisplayName("an unknown type is unknown_type and keeps the request id")
        void unknownType() {
            ProtocolException e = failure("{\"type\":\"fly\",\"id\":\"7\"}");
            assertThat(e.errorCode()).isEqualTo(ErrorCode.UNKNOWN_TYPE);
            assertThat(e.requestId()).isEqualTo("7");
            assertThat(e.getMessage()).contains("fly");
        }

        @Test
        @DisplayName("invalid_payload names the field")
        void invalidPayload() {
            ProtocolException missing = failure("{\"type\":\"world_select\",\"id\":\"a\",\"payload\":{\"templateName\":\"g\"}}");
            assertThat(missing.errorCode()).isEqualTo(ErrorCode.INVALID_PAYLOAD);
            assertThat(missing.details()).containsEntry("field", "payload.worldName");
            assertThat(missing.requestId()).isEqualTo("a");
            assertThat(failure("{\"type\":\"world_select\",\"payload\":{\"templateName\":\"g\",\"worldName\":\"w\","
                    + "\"resumeFrom\":-1}}").details()).containsEntry("field", "payload.resumeFrom");
            assertThat(failure("{\"type\":\"chat_send\",\"payload\":{\"content\":\"   \"}}").getMessage())
                    .contains("payload.content");
            assertThat(failure("{\"type\":\"event_subscribe\",\"payload\":{\"eventTypes\":[\"message\",\"gossip\"]}}")
                    .details()).containsEntry("field", "payload.eventTypes[1]");
            assertThat(failure("{\"type\":\"agent_update\",\"payload\":{\"agentName\":\"a\",\"config\":{\"maxTokens\":\"x\"}}}")
                    .details()).containsEntry("field", "payload.config.maxTokens");
            assertThat(failure("{\"type\":\"ping\",\"id\":{}}").details()).containsEntry("field", "id");
            assertThat(failure("{\"type\":\"ping\",\"payload\":[]}").details()).containsEntry("field", "payload");
        }

        @Test
        @DisplayName("names that could escape a folder are invalid_name")
        void invalidName() {
            ProtocolException e = failure("{\"type\":\"world_select\",\"id\":\"n\",\"payload\":{\"templateName\":\"garden\","
                    + "\"worldName\":\"../../etc\"}}");
            assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_NAME);
            assertThat(e.getMessage()).contains("payload.worldName");
            assertThat(e.requestId()).isEqualTo("n");
            for (String chatId : List.of("../chats", "two words", "", "x".repeat(65))) {
                ProtocolException chat = failure("{\"type\":\"chat_send\",\"payload\":{\"content\":\"hi\","
                        + "\"chatId\":\"" + chatId + "\"}}");
                assertThat(chat.errorCode()).as(chatId).isEqualTo(ErrorCode.INVALID_NAME);
                assertThat(chat.details()).containsEntry("field", "payload.chatId");
            }
        }
    }

    @Nested
    @DisplayName("encoding")
    class Encoding {
        @Test
        @DisplayName("the envelope is type, replyTo, seq, timestamp, payload, without nulls")
        void envelope() throws Exception {
            String text = codec.encode(new ServerMessage("r1", null, Instant.parse("2026-01-01T00:00:00Z"), new Pong()));
            assertThat(text).isEqualTo("{\"type\":\"pong\",\"replyTo\":\"r1\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"payload\":{}}");
            JsonNode error = new ObjectMapper().readTree(codec.encode(new ServerMessage(null, 5L, Instant.EPOCH,
                    ErrorPayload.of(ErrorCode.RATE_LIMITED, "slow down"))));
            assertThat(error.path("seq").asLong()).isEqualTo(5);
            assertThat(error.has("replyTo")).isFalse();
            assertThat(error.path("payload").path("code").asText()).isEqualTo("rate_limited");
        }
    }
}
