package dev.worldws.core.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Writes server messages field by field: the text is character for character what the mapper's bean serialisation
 * of the payload records gives (record component order, {@code null} fields left out, Jackson's escapes, instants
 * as {@code Instant.toString()}), without its per-call serializer lookups, reflective accessor calls, generator
 * set-up and {@code DateTimeFormatter}. Open-ended values (a {@code status}'s {@code data}, an {@code error}'s
 * {@code details}, an agent's {@code extra}) are written by type for the JSON shapes they hold, anything else by
 * the mapper. {@code ServerMessageEncodingTest} pins every message type against the mapper's encoding.
 *
 * <p>Thread-safe: each thread writes into its own reused buffer.
 */
final class ServerMessageEncoder {
    /** A buffer that grew beyond this (a large world_selected) is not kept for the thread's next message. */
    private static final int KEPT_BUFFER_CHARS = 16 * 1024;
    private static final ThreadLocal<JsonText> BUFFER = ThreadLocal.withInitial(() -> new JsonText(1024));

    private final ObjectMapper mapper;

    ServerMessageEncoder(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    String encode(ServerMessage message) throws JsonProcessingException {
        JsonText gen = BUFFER.get();
        gen.reset();
        gen.startObject();
        gen.name("type").value(message.messageType().wireName());
        stringField(gen, "replyTo", message.replyTo());
        if (message.seq() != null) {
            gen.name("seq").value(message.seq());
        }
        gen.name("timestamp").value(message.timestamp());
        gen.name("payload");
        payload(gen, message.payload());
        gen.endObject();
        String text = gen.text();
        if (gen.capacity() > KEPT_BUFFER_CHARS) {
            BUFFER.remove();
        }
        return text;
    }

    private void payload(JsonText gen, ServerPayload payload) throws JsonProcessingException {
        gen.startObject();
        if (payload instanceof ChatResponse p) {
            stringField(gen, "agentName", p.agentName());
            stringField(gen, "messageId", p.messageId());
            stringField(gen, "replyToMessageId", p.replyToMessageId());
            stringField(gen, "chatId", p.chatId());
            stringField(gen, "kind", p.kind());
            stringField(gen, "content", p.content());
            gen.name("complete").value(p.complete());
        } else if (payload instanceof EventStream p) {
            gen.name("eventType").value(p.eventType());
            gen.name("event");
            event(gen, p.event());
        } else if (payload instanceof Status p) {
            gen.name("type").value(p.type());
            gen.name("message").value(p.message());
            gen.name("data");
            map(gen, p.data());
        } else if (payload instanceof ErrorPayload p) {
            gen.name("code").value(p.code());
            gen.name("message").value(p.message());
            gen.name("details");
            map(gen, p.details());
        } else if (payload instanceof Pong) {
            // no fields
        } else if (payload instanceof Connected p) {
            gen.name("clientId").value(p.clientId());
            gen.name("userId").value(p.userId());
            gen.name("anonymous").value(p.anonymous());
            stringField(gen, "resumeToken", p.resumeToken());
            gen.name("heartbeatIntervalMillis").value(p.heartbeatIntervalMillis());
            gen.name("maxMessageBytes").value(p.maxMessageBytes());
        } else if (payload instanceof WorldSelected p) {
            stringField(gen, "worldName", p.worldName());
            stringField(gen, "templateName", p.templateName());
            if (p.world() != null) {
                gen.name("world");
                world(gen, p.world());
            }
            agentsField(gen, p.agents());
            gen.name("created").value(p.created());
            if (p.recovered() != null) {
                gen.name("recovered").value(p.recovered());
            }
            gen.name("seq").value(p.seq());
            stringField(gen, "epoch", p.epoch());
            stringField(gen, "historyChatId", p.historyChatId());
            if (p.history() != null) {
                messagesField(gen, "history", p.history());
            }
            if (p.historyHasMore() != null) {
                gen.name("historyHasMore").value(p.historyHasMore());
            }
        } else if (payload instanceof AgentUpdated p) {
            stringField(gen, "agentName", p.agentName());
            if (p.agent() != null) {
                gen.name("agent");
                agent(gen, p.agent());
            }
            stringField(gen, "updatedBy", p.updatedBy());
        } else if (payload instanceof WorldReloaded p) {
            if (p.world() != null) {
                gen.name("world");
                world(gen, p.world());
            }
            agentsField(gen, p.agents());
            stringField(gen, "reloadedBy", p.reloadedBy());
        } else if (payload instanceof ChatHistory p) {
            stringField(gen, "chatId", p.chatId());
            messagesField(gen, "messages", p.messages());
            gen.name("hasMore").value(p.hasMore());
        } else {
            throw new IllegalArgumentException("no encoding for " + payload.getClass().getName());
        }
        gen.endObject();
    }

    private void event(JsonText gen, EventView event) throws JsonProcessingException {
        if (event instanceof MessageView m) {
            message(gen, m);
        } else if (event instanceof ActivityView a) {
            gen.startObject();
            stringField(gen, "type", a.type());
            stringField(gen, "chatId", a.chatId());
            gen.name("pendingOperations").value(a.pendingOperations());
            gen.name("activeAgents");
            gen.startArray();
            for (String agent : a.activeAgents()) {
                gen.value(agent);
            }
            gen.endArray();
            gen.endObject();
        } else if (event instanceof NoticeView n) {
            gen.startObject();
            stringField(gen, "type", n.type());
            stringField(gen, "chatId", n.chatId());
            stringField(gen, "messageId", n.messageId());
            stringField(gen, "content", n.content());
            gen.endObject();
        }
    }

    private static void message(JsonText gen, MessageView m) throws JsonProcessingException {
        gen.startObject();
        stringField(gen, "type", m.type());
        stringField(gen, "chatId", m.chatId());
        stringField(gen, "messageId", m.messageId());
        stringField(gen, "sender", m.sender());
        stringField(gen, "senderType", m.senderType());
        stringField(gen, "content", m.content());
        stringField(gen, "replyToMessageId", m.replyToMessageId());
        instantField(gen, "createdAt", m.createdAt());
        gen.endObject();
    }

    private static void messagesField(JsonText gen, String name, List<MessageView> messages) throws JsonProcessingException {
        gen.name(name);
        gen.startArray();
        for (MessageView m : messages) {
            message(gen, m);
        }
        gen.endArray();
    }

    private static void world(JsonText gen, WorldView w) throws JsonProcessingException {
        gen.startObject();
        stringField(gen, "id", w.id());
        stringField(gen, "name", w.name());
        stringField(gen, "description", w.description());
        gen.name("turnLimit").value(w.turnLimit());
        stringField(gen, "mainAgent", w.mainAgent());
        stringField(gen, "currentChatId", w.currentChatId());
        stringField(gen, "originalTemplate", w.originalTemplate());
        instantField(gen, "clonedAt", w.clonedAt());
        gen.endObject();
    }

    private void agentsField(JsonText gen, List<AgentView> agents) throws JsonProcessingException {
        gen.name("agents");
        gen.startArray();
        for (AgentView agent : agents) {
            agent(gen, agent);
        }
        gen.endArray();
    }

    private void agent(JsonText gen, AgentView a) throws JsonProcessingException {
        gen.startObject();
        stringField(gen, "id", a.id());
        stringField(gen, "name", a.name());
        stringField(gen, "type", a.type());
        gen.name("active").value(a.active());
        gen.name("autoReply").value(a.autoReply());
        stringField(gen, "provider", a.provider());
        stringField(gen, "model", a.model());
        if (a.temperature() != null) {
            gen.name("temperature").value(a.temperature());
        }
        if (a.maxTokens() != null) {
            gen.name("maxTokens").value(a.maxTokens());
        }
        gen.name("llmCallCount").value(a.llmCallCount());
        stringField(gen, "systemPrompt", a.systemPrompt());
        if (a.memorySize() != null) {
            gen.name("memorySize").value(a.memorySize());
        }
        if (a.extra() != null) {
            gen.name("extra");
            map(gen, a.extra());
        }
        gen.endObject();
    }

    /**
     * A map of JSON-shaped values. Entries whose value is {@code null} are left out, at every depth, as the mapper's
     * {@code NON_NULL} inclusion does for maps (a list keeps its {@code null}s).
     */
    private void map(JsonText gen, Map<String, ?> map) throws JsonProcessingException {
        gen.startObject();
        for (Map.Entry<String, ?> entry : map.entrySet()) {
            if (entry.getValue() != null) {
                gen.escapedName(entry.getKey());
                value(gen, entry.getValue());
            }
        }
        gen.endObject();
    }

    private void value(JsonText gen, Object value) throws JsonProcessingException {
        if (value == null) {
            gen.nullValue();
        } else if (value instanceof String s) {
            gen.value(s);
        } else if (value instanceof Boolean b) {
            gen.value(b);
        } else if (value instanceof Integer i) {
            gen.value(i);
        } else if (value instanceof Long l) {
            gen.value(l);
        } else if (value instanceof Double d) {
            gen.value(d);
        } else if (value instanceof BigDecimal d) {
            gen.value(d);
        } else if (value instanceof BigInteger i) {
            gen.value(i);
        } else if (value instanceof Instant i) {
            gen.value(i);
        } else if (value instanceof Map<?, ?> m && stringKeys(m)) {
            @SuppressWarnings("unchecked")
            Map<String, ?> object = (Map<String, ?>) m;
            map(gen, object);
        } else if (value instanceof Collection<?> c) {
            gen.startArray();
            for (Object element : c) {
                value(gen, element);
            }
            gen.endArray();
        } else {
            // shapes no payload builds today (other number types, arrays, beans): as the mapper writes them
            gen.raw(mapper.writeValueAsString(value));
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

    private static void stringField(JsonText gen, String name, String value) throws JsonProcessingException {
        if (value != null) {
            gen.name(name).value(value);
        }
    }

    private static void instantField(JsonText gen, String name, Instant value) throws JsonProcessingException {
        if (value != null) {
            gen.name(name).value(value);
        }
    }
}
