package dev.worldws.core.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.worldws.api.protocol.ActivityView;
import dev.worldws.api.protocol.AgentUpdated;
import dev.worldws.api.protocol.AgentView;
import dev.worldws.api.protocol.ChatHistory;
import dev.worldws.api.protocol.ChatResponse;
import dev.worldws.api.protocol.Connected;
import dev.worldws.api.protocol.ErrorPayload;
import dev.worldws.api.protocol.EventStream;
import dev.worldws.api.protocol.EventView;
import dev.worldws.api.protocol.MessageView;
import dev.worldws.api.protocol.NoticeView;
import dev.worldws.api.protocol.Pong;
import dev.worldws.api.protocol.ServerMessage;
import dev.worldws.api.protocol.ServerPayload;
import dev.worldws.api.protocol.Status;
import dev.worldws.api.protocol.WorldReloaded;
import dev.worldws.api.protocol.WorldSelected;
import dev.worldws.api.protocol.WorldView;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Writes server messages field by field on a streaming {@link JsonGenerator}: the text is byte for byte what the
 * mapper's bean serialisation of the payload records gives (record component order, {@code null} fields left out,
 * instants as {@code Instant.toString()}), without its per-call serializer lookups, reflective accessor calls and
 * {@code DateTimeFormatter}. Open-ended values (a {@code status}'s {@code data}, an {@code error}'s {@code details},
 * an agent's {@code extra}) are written by type for the JSON shapes they hold, anything else by the mapper.
 * {@code ProtocolCodecEncodingTest} pins every message type against the mapper's encoding.
 */
final class ServerMessageEncoder {
    private final JsonFactory factory;
    private final ObjectMapper mapper;

    ServerMessageEncoder(ObjectMapper mapper) {
        this.mapper = mapper;
        this.factory = mapper.getFactory();
    }

    String encode(ServerMessage message) throws IOException {
        BufferRecycler recycler = factory._getBufferRecycler();
        try (SegmentedStringWriter out = new SegmentedStringWriter(recycler)) {
            try (JsonGenerator gen = factory.createGenerator(out)) {
                gen.writeStartObject();
                gen.writeStringField("type", message.messageType().wireName());
                stringField(gen, "replyTo", message.replyTo());
                if (message.seq() != null) {
                    gen.writeNumberField("seq", message.seq());
                }
                gen.writeStringField("timestamp", IsoInstants.format(message.timestamp()));
                gen.writeFieldName("payload");
                payload(gen, message.payload());
                gen.writeEndObject();
            }
            return out.getAndClear();
        } finally {
            recycler.releaseToPool();
        }
    }

    private void payload(JsonGenerator gen, ServerPayload payload) throws IOException {
        gen.writeStartObject();
        if (payload instanceof ChatResponse p) {
            stringField(gen, "agentName", p.agentName());
            stringField(gen, "messageId", p.messageId());
            stringField(gen, "replyToMessageId", p.replyToMessageId());
            stringField(gen, "chatId", p.chatId());
            stringField(gen, "kind", p.kind());
            stringField(gen, "content", p.content());
            gen.writeBooleanField("complete", p.complete());
        } else if (payload instanceof EventStream p) {
            gen.writeStringField("eventType", p.eventType());
            gen.writeFieldName("event");
            event(gen, p.event());
        } else if (payload instanceof Status p) {
            gen.writeStringField("type", p.type());
            gen.writeStringField("message", p.message());
            gen.writeFieldName("data");
            map(gen, p.data());
        } else if (payload instanceof ErrorPayload p) {
            gen.writeStringField("code", p.code());
            gen.writeStringField("message", p.message());
            gen.writeFieldName("details");
            map(gen, p.details());
        } else if (payload instanceof Pong) {
            // no fields
        } else if (payload instanceof Connected p) {
            gen.writeStringField("clientId", p.clientId());
            gen.writeStringField("userId", p.userId());
            gen.writeBooleanField("anonymous", p.anonymous());
            stringField(gen, "resumeToken", p.resumeToken());
            gen.writeNumberField("heartbeatIntervalMillis", p.heartbeatIntervalMillis());
            gen.writeNumberField("maxMessageBytes", p.maxMessageBytes());
        } else if (payload instanceof WorldSelected p) {
            stringField(gen, "worldName", p.worldName());
            stringField(gen, "templateName", p.templateName());
            if (p.world() != null) {
                gen.writeFieldName("world");
                world(gen, p.world());
            }
            agentsField(gen, p.agents());
            gen.writeBooleanField("created", p.created());
            if (p.recovered() != null) {
                gen.writeBooleanField("recovered", p.recovered());
            }
            gen.writeNumberField("seq", p.seq());
            stringField(gen, "epoch", p.epoch());
            stringField(gen, "historyChatId", p.historyChatId());
            if (p.history() != null) {
                messagesField(gen, "history", p.history());
            }
            if (p.historyHasMore() != null) {
                gen.writeBooleanField("historyHasMore", p.historyHasMore());
            }
        } else if (payload instanceof AgentUpdated p) {
            stringField(gen, "agentName", p.agentName());
            if (p.agent() != null) {
                gen.writeFieldName("agent");
                agent(gen, p.agent());
            }
            stringField(gen, "updatedBy", p.updatedBy());
        } else if (payload instanceof WorldReloaded p) {
            if (p.world() != null) {
                gen.writeFieldName("world");
                world(gen, p.world());
            }
            agentsField(gen, p.agents());
            stringField(gen, "reloadedBy", p.reloadedBy());
        } else if (payload instanceof ChatHistory p) {
            stringField(gen, "chatId", p.chatId());
            messagesField(gen, "messages", p.messages());
            gen.writeBooleanField("hasMore", p.hasMore());
        } else {
            throw new IllegalArgumentException("no encoding for " + payload.getClass().getName());
        }
        gen.writeEndObject();
    }

    private void event(JsonGenerator gen, EventView event) throws IOException {
        if (event instanceof MessageView m) {
            message(gen, m);
        } else if (event instanceof ActivityView a) {
            gen.writeStartObject();
            stringField(gen, "type", a.type());
            stringField(gen, "chatId", a.chatId());
            gen.writeNumberField("pendingOperations", a.pendingOperations());
            gen.writeFieldName("activeAgents");
            gen.writeStartArray();
            for (String agent : a.activeAgents()) {
                gen.writeString(agent);
            }
            gen.writeEndArray();
            gen.writeEndObject();
        } else if (event instanceof NoticeView n) {
            gen.writeStartObject();
            stringField(gen, "type", n.type());
            stringField(gen, "chatId", n.chatId());
            stringField(gen, "messageId", n.messageId());
            stringField(gen, "content", n.content());
            gen.writeEndObject();
        }
    }

    private static void message(JsonGenerator gen, MessageView m) throws IOException {
        gen.writeStartObject();
        stringField(gen, "type", m.type());
        stringField(gen, "chatId", m.chatId());
        stringField(gen, "messageId", m.messageId());
        stringField(gen, "sender", m.sender());
        stringField(gen, "senderType", m.senderType());
        stringField(gen, "content", m.content());
        stringField(gen, "replyToMessageId", m.replyToMessageId());
        instantField(gen, "createdAt", m.createdAt());
        gen.writeEndObject();
    }

    private static void messagesField(JsonGenerator gen, String name, List<MessageView> messages) throws IOException {
        gen.writeFieldName(name);
        gen.writeStartArray();
        for (MessageView m : messages) {
            message(gen, m);
        }
        gen.writeEndArray();
    }

    private static void world(JsonGenerator gen, WorldView w) throws IOException {
        gen.writeStartObject();
        stringField(gen, "id", w.id());
        stringField(gen, "name", w.name());
        stringField(gen, "description", w.description());
        gen.writeNumberField("turnLimit", w.turnLimit());
        stringField(gen, "mainAgent", w.mainAgent());
        stringField(gen, "currentChatId", w.currentChatId());
        stringField(gen, "originalTemplate", w.originalTemplate());
        instantField(gen, "clonedAt", w.clonedAt());
        gen.writeEndObject();
    }

    private void agentsField(JsonGenerator gen, List<AgentView> agents) throws IOException {
        gen.writeFieldName("agents");
        gen.writeStartArray();
        for (AgentView agent : agents) {
            agent(gen, agent);
        }
        gen.writeEndArray();
    }

    private void agent(JsonGenerator gen, AgentView a) throws IOException {
        gen.writeStartObject();
        stringField(gen, "id", a.id());
        stringField(gen, "name", a.name());
        stringField(gen, "type", a.type());
        gen.writeBooleanField("active", a.active());
        gen.writeBooleanField("autoReply", a.autoReply());
        stringField(gen, "provider", a.provider());
        stringField(gen, "model", a.model());
        if (a.temperature() != null) {
            gen.writeNumberField("temperature", a.temperature());
        }
        if (a.maxTokens() != null) {
            gen.writeNumberField("maxTokens", a.maxTokens());
        }
        gen.writeNumberField("llmCallCount", a.llmCallCount());
        stringField(gen, "systemPrompt", a.systemPrompt());
        if (a.memorySize() != null) {
            gen.writeNumberField("memorySize", a.memorySize());
        }
        if (a.extra() != null) {
            gen.writeFieldName("extra");
            map(gen, a.extra());
        }
        gen.writeEndObject();
    }

    /**
     * A map of JSON-shaped values. Entries whose value is {@code null} are left out, at every depth, as the mapper's
     * {@code NON_NULL} inclusion does for maps (a list keeps its {@code null}s).
     */
    private void map(JsonGenerator gen, Map<String, ?> map) throws IOException {
        gen.writeStartObject();
        for (Map.Entry<String, ?> entry : map.entrySet()) {
            if (entry.getValue() != null) {
                gen.writeFieldName(entry.getKey());
                value(gen, entry.getValue());
            }
        }
        gen.writeEndObject();
    }

    private void value(JsonGenerator gen, Object value) throws IOException {
        if (value == null) {
            gen.writeNull();
        } else if (value instanceof String s) {
            gen.writeString(s);
        } else if (value instanceof Boolean b) {
            gen.writeBoolean(b);
        } else if (value instanceof Integer i) {
            gen.writeNumber(i);
        } else if (value instanceof Long l) {
            gen.writeNumber(l);
        } else if (value instanceof Double d) {
            gen.writeNumber(d);
        } else if (value instanceof BigDecimal d) {
            gen.writeNumber(d);
        } else if (value instanceof BigInteger i) {
            gen.writeNumber(i);
        } else if (value instanceof Instant i) {
            gen.writeString(IsoInstants.format(i));
        } else if (value instanceof Map<?, ?> m && stringKeys(m)) {
            @SuppressWarnings("unchecked")
            Map<String, ?> object = (Map<String, ?>) m;
            map(gen, object);
        } else if (value instanceof Collection<?> c) {
            gen.writeStartArray();
            for (Object element : c) {
                value(gen, element);
            }
            gen.writeEndArray();
        } else {
            // shapes no payload builds today (other number types, arrays, beans): as the mapper writes them
            mapper.writeValue(gen, value);
        }
    }

    private static boolean stringKeys(Map<?, ?> map) {
        for (Object key : map.keySet()) {
            if (!(key instanceof String)) {
                return false;
            }
        }
        return true;
    }

    private static void stringField(JsonGenerator gen, String name, String value) throws IOException {
        if (value != null) {
            gen.writeStringField(name, value);
        }
    }

    private static void instantField(JsonGenerator gen, String name, Instant value) throws IOException {
        if (value != null) {
            gen.writeStringField(name, IsoInstants.format(value));
        }
    }
}
