package dev.worldws.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.worldws.api.spi.Handshake;
import dev.worldws.core.transport.InMemoryClient;
import dev.worldws.core.transport.InMemoryTransport;
import dev.worldws.testkit.RecordingClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** A test client speaking JSON over the in-memory transport; waits with timeouts, never sleeps. */
final class WireClient implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    final InMemoryClient raw;
    final JsonNode connected;
    private int nextId;

    private WireClient(InMemoryClient raw) {
        this.raw = raw;
        this.connected = next();
    }

    static WireClient connect(WorldWsEngine engine) {
        return new WireClient(InMemoryTransport.connect(engine));
    }

    static WireClient connect(WorldWsEngine engine, Handshake handshake) {
        return new WireClient(InMemoryTransport.connect(engine, handshake));
    }

    static WireClient connect(WorldWsEngine engine, Handshake handshake, InMemoryClient.Options options) {
        return new WireClient(InMemoryTransport.connect(engine, handshake, options));
    }

    String userId() {
        return connected.path("payload").path("userId").asText();
    }

    String clientId() {
        return connected.path("payload").path("clientId").asText();
    }

    /** Sends {@code {"type", "id", "payload"}} and returns the id used. */
    String send(String type, Map<String, ?> payload) {
        String id = "r" + (++nextId);
        raw.send(RecordingClient.requestFrame(type, id, payload));
        return id;
    }

    JsonNode select(String template, String world) {
        String id = send("world_select", Map.of("templateName", template, "worldName", world));
        JsonNode reply = nextMatching(m -> id.equals(m.path("replyTo").asText()));
        if (!reply.path("type").asText().equals("world_selected")) {
            throw new AssertionError("world_select failed: " + reply);
        }
        return reply;
    }

    /** Sends a chat message and waits for its acceptance. */
    JsonNode chat(String content) {
        String id = send("chat_send", Map.of("content", content));
        JsonNode reply = nextMatching(m -> id.equals(m.path("replyTo").asText()));
        if (!reply.path("type").asText().equals("status")) {
            throw new AssertionError("chat_send failed: " + reply);
        }
        return reply;
    }

    /** The next message: one passed over by {@link #nextMatching} first, else a new one. */
    JsonNode next() {
        if (!buffered.isEmpty()) {
            return buffered.remove(0);
        }
        return receive();
    }

    private JsonNode receive() {
        try {
            String text = raw.poll(TIMEOUT);
            if (text == null) {
                throw new AssertionError("timed out waiting for a server message");
            }
            return RecordingClient.parse(text);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Messages passed over by {@link #nextMatching}, still to be read by {@link #next()}. */
    private final List<JsonNode> buffered = new ArrayList<>();

    /**
     * The next message for which {@code match} holds; messages passed over stay readable, in order, through
     * {@link #next()}.
     */
    JsonNode nextMatching(Predicate<JsonNode> match) {
        for (int i = 0; i < buffered.size(); i++) {
            if (match.test(buffered.get(i))) {
                return buffered.remove(i);
            }
        }
        while (true) {
            JsonNode message = receive();
            if (match.test(message)) {
                return message;
            }
            buffered.add(message);
        }
    }

    JsonNode nextOfType(String type) {
        return nextMatching(m -> type.equals(m.path("type").asText()));
    }

    /** Everything up to and including the first message that satisfies {@code last}. */
    List<JsonNode> untilMatching(Predicate<JsonNode> last) {
        List<JsonNode> messages = new ArrayList<>();
        while (true) {
            JsonNode message = next();
            messages.add(message);
            if (last.test(message)) {
                return messages;
            }
        }
    }

    /** Everything up to and including the next world {@code idle} event. */
    List<JsonNode> untilIdle() {
        return untilMatching(WireClient::isIdle);
    }

    static boolean isIdle(JsonNode message) {
        return message.path("type").asText().equals("event_stream")
                && message.path("payload").path("event").path("type").asText().equals("idle");
    }

    /** Nothing arrives within {@code wait}. */
    void expectSilence(Duration wait) {
        try {
            String text = raw.poll(wait);
            if (text != null) {
                throw new AssertionError("expected no message but got " + text);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        if (raw.isOpen()) {
            raw.close();
        }
    }
}
