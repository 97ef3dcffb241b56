package dev.worldws.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.worldws.api.TemplateName;
import dev.worldws.api.world.World;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What every transport must do, end to end, for a world-ws engine behind it. Extend it, build a server around an
 * engine configured from the {@link ServerSpec} in {@link #startServer}, connect clients in
 * {@link #connectClient}, and run it unchanged. The in-memory transport (world-ws-core) and every socket adapter
 * run this suite.
 *
 * <p>A subclass is about a dozen lines:
 * <pre>{@code
 * class MyTransportTest extends TransportContract {
 *     WorldWsEngine engine;
 *     protected void startServer(ServerSpec spec) {
 *         engine = WorldWsEngine.builder()
 *                 .store(WorldStores.inMemory(spec.templates(), Clock.systemUTC()))
 *                 .limits(Limits.defaults().withMaxMessageBytes(spec.maxMessageBytes())
 *                         .withRate(spec.ratePerSecond(), spec.rateBurst())
 *                         .withMaxRejectedInARow(spec.maxRejectedInARow()))
 *                 .build();
 *         // start the transport's server around engine
 *     }
 *     protected RecordingClient connectClient(Map<String, String> query) { ... }
 *     protected int serverConnections() { return engine.stats().connections(); }
 *     protected void stopServer() { engine.close(); }
 * }
 * }</pre>
 */
public abstract class TransportContract {

    /**
     * How the engine behind the transport must be configured.
     *
     * @param templates the store's templates (use {@code WorldStores.inMemory(templates, clock)})
     * @param maxMessageBytes the engine's (and the container's) inbound frame limit
     * @param ratePerSecond the per-connection rate limit
     * @param rateBurst the per-connection burst
     * @param maxRejectedInARow rate-limited frames in a row before the policy close
     */
    public record ServerSpec(Map<TemplateName, World> templates, int maxMessageBytes, double ratePerSecond,
            int rateBurst, int maxRejectedInARow) {
    }

    /** The spec every test runs with: the sample templates, 4 KiB frames, 50 messages/s with bursts of 100. */
    public static final ServerSpec SPEC = new ServerSpec(SampleWorlds.templates(), 4096, 50, 100, 20);

    /** Starts a server with an engine configured from {@code spec}. */
    protected abstract void startServer(ServerSpec spec) throws Exception;

    /**
     * Opens a client connection with these handshake query parameters; the returned client's callbacks are
     * wired to the socket and its {@link RecordingClient.Socket} is attached. Returns once the socket is open.
     */
    protected abstract RecordingClient connectClient(Map<String, String> query) throws Exception;

    /** Open connections as the server's engine counts them. */
    protected abstract int serverConnections();

    /** Stops the server and its engine. */
    protected abstract void stopServer() throws Exception;

    private final List<RecordingClient> clients = new ArrayList<>();

    @BeforeEach
    final void startTheServer() throws Exception {
        startServer(SPEC);
    }

    @AfterEach
    final void stopTheServer() throws Exception {
        for (RecordingClient client : clients) {
            if (!client.isClosed()) {
                try {
                    client.close(1000, "test over");
                } catch (AssertionError | RuntimeException ignored) {
                    // already gone
                }
            }
        }
        stopServer();
    }

    /** Connects and returns the client with its {@code connected} message already read. */
    protected final RecordingClient connect() throws Exception {
        return connect(Map.of());
    }

    private RecordingClient connect(Map<String, String> query) throws Exception {
        RecordingClient client = connectClient(query);
        clients.add(client);
        return client;
    }

    private static Map<String, Object> payload(Object... keyValues) {
        Map<String, Object> payload = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            payload.put((String) keyValues[i], keyValues[i + 1]);
        }
        return payload;
    }

    private static String type(JsonNode message) {
        return message.path("type").asText();
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + RecordingClient.DEFAULT_TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    @Nested
    @DisplayName("connecting")
    class Connecting {
        @Test
        @DisplayName("the first message is connected, with a client id and a user id")
        void connectedFirst() throws Exception {
            RecordingClient client = connect();
            JsonNode first = client.next();
            assertThat(type(first)).isEqualTo("connected");
            assertThat(first.path("payload").path("clientId").asText()).matches("[0-9a-f-]{36}");
            assertThat(first.path("payload").path("userId").asText()).startsWith("anon-");
            assertThat(first.path("payload").path("anonymous").asBoolean()).isTrue();
            assertThat(first.path("timestamp").asText()).isNotEmpty();
        }

        @Test
        @DisplayName("the resumeToken query parameter of the next handshake restores the anonymous user")
        void resumeTokenRestoresUser() throws Exception {
            RecordingClient first = connect();
            JsonNode connected = first.next();
            String user = connected.path("payload").path("userId").asText();
            String token = connected.path("payload").path("resumeToken").asText();
            assertThat(token).isNotEmpty();

            RecordingClient second = connect(Map.of("resumeToken", token));
            assertThat(second.next().path("payload").path("userId").asText()).isEqualTo(user);
        }

        @Test
        @DisplayName("two connections get different client ids")
        void distinctClientIds() throws Exception {
            String a = connect().next().path("payload").path("clientId").asText();
            String b = connect().next().path("payload").path("clientId").asText();
            assertThat(a).isNotEqualTo(b);
        }
    }

    @Nested
    @DisplayName("requests and replies")
    class Requests {
        @Test
        @DisplayName("a reply carries the request's id as replyTo")
        void replyCorrelation() throws Exception {
            RecordingClient client = connect();
            client.next();
            String ping = client.request("ping", Map.of());
            JsonNode pong = client.next();
            assertThat(type(pong)).isEqualTo("pong");
            assertThat(pong.path("replyTo").asText()).isEqualTo(ping);

            String select = client.request("world_select", payload("templateName", "garden", "worldName", "w1"));
            JsonNode selected = client.replyTo(select);
            assertThat(type(selected)).isEqualTo("world_selected");
            assertThat(selected.path("payload").path("agents")).hasSize(2);
        }

        @Test
        @DisplayName("a frame that is not JSON gets invalid_json and the connection stays usable")
        void invalidJson() throws Exception {
            RecordingClient client = connect();
            client.next();
            client.send("{not json");
            JsonNode error = client.next();
            assertThat(type(error)).isEqualTo("error");
            assertThat(error.path("payload").path("code").asText()).isEqualTo("invalid_json");
            String ping = client.request("ping", Map.of());
            assertThat(client.replyTo(ping).path("type").asText()).isEqualTo("pong");
        }

        @Test
        @DisplayName("an unknown type gets unknown_type answering its id; a bad name gets invalid_name")
        void unknownTypeAndBadName() throws Exception {
            RecordingClient client = connect();
            client.next();
            String unknown = client.request("teleport", Map.of());
            JsonNode error = client.replyTo(unknown);
            assertThat(error.path("payload").path("code").asText()).isEqualTo("unknown_type");

            String bad = client.request("world_select", payload("templateName", "garden", "worldName", "../etc"));
            JsonNode invalid = client.replyTo(bad);
            assertThat(invalid.path("payload").path("code").asText()).isEqualTo("invalid_name");
            assertThat(invalid.path("payload").path("message").asText()).contains("worldName");
        }
    }

    @Nested
    @DisplayName("delivery")
    class Delivery {
        @Test
        @DisplayName("answers to many quick requests arrive complete and in order")
        void manyInOrder() throws Exception {
            RecordingClient client = connect();
            client.next();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                ids.add(client.request("ping", Map.of()));
            }
            List<String> answered = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                JsonNode pong = client.next();
                assertThat(type(pong)).isEqualTo("pong");
                answered.add(pong.path("replyTo").asText());
            }
            assertThat(answered).isEqualTo(ids);
        }

        @Test
        @DisplayName("non-ASCII text survives both directions")
        void unicode() throws Exception {
            RecordingClient client = connect();
            client.next();
            client.replyTo(client.request("world_select", payload("templateName", "workshop", "worldName", "w")));
            String text = "h\u00e9llo \u4e16\u754c \ud83c\udf0d \"quoted\" \\ back\nslash";
            client.request("chat_send", payload("content", text));
            JsonNode echoed = client.next(m -> type(m).equals("event_stream")
                    && m.path("payload").path("event").path("sender").asText().equals("human"));
            assertThat(echoed.path("payload").path("event").path("content").asText()).isEqualTo(text);
        }

        @Test
        @DisplayName("two connections of one user in one world both receive the world's events")
        void fanOut() throws Exception {
            RecordingClient first = connect();
            String token = first.next().path("payload").path("resumeToken").asText();
            RecordingClient second = connect(Map.of("resumeToken", token));
            second.next();
            first.replyTo(first.request("world_select", payload("templateName", "workshop", "worldName", "shared")));
            second.replyTo(second.request("world_select", payload("templateName", "workshop", "worldName", "shared")));
            first.request("chat_send", payload("content", "for both of us"));
            for (RecordingClient client : List.of(first, second)) {
                JsonNode end = client.next(m -> type(m).equals("chat_response")
                        && m.path("payload").path("kind").asText().equals("end"));
                assertThat(end.path("payload").path("agentName").asText()).isEqualTo("smith");
            }
        }
    }

    @Nested
    @DisplayName("streamed replies")
    class Streaming {
        @Test
        @DisplayName("a chat reply arrives as start, chunks and end, in order, with rising seq")
        void orderedStream() throws Exception {
            RecordingClient client = connect();
            client.next();
            client.replyTo(client.request("world_select", payload("templateName", "workshop", "worldName", "w")));
            String chat = client.request("chat_send", payload("content", "good morning, smith"));
            List<JsonNode> messages = client.until(m -> type(m).equals("event_stream")
                    && m.path("payload").path("event").path("type").asText().equals("idle"));

            List<String> kinds = new ArrayList<>();
            StringBuilder chunks = new StringBuilder();
            String end = null;
            long lastSeq = 0;
            boolean accepted = false;
            for (JsonNode message : messages) {
                if (chat.equals(message.path("replyTo").asText(null))) {
                    accepted = type(message).equals("status");
                    continue;
                }
                long seq = message.path("seq").asLong();
                assertThat(seq).as("seq of %s", message).isGreaterThan(lastSeq);
                lastSeq = seq;
                if (type(message).equals("chat_response")) {
                    String kind = message.path("payload").path("kind").asText();
                    kinds.add(kind);
                    if (kind.equals("chunk")) {
                        chunks.append(message.path("payload").path("content").asText());
                    } else if (kind.equals("end")) {
                        end = message.path("payload").path("content").asText();
                        assertThat(message.path("payload").path("complete").asBoolean()).isTrue();
                    }
                }
            }
            assertThat(accepted).as("chat_send acknowledged").isTrue();
            assertThat(kinds.get(0)).isEqualTo("start");
            assertThat(kinds.get(kinds.size() - 1)).isEqualTo("end");
            assertThat(kinds.subList(1, kinds.size() - 1)).isNotEmpty().containsOnly("chunk");
            assertThat(chunks.toString()).isEqualTo(end).isEqualTo("Hello human.");
        }
    }

    @Nested
    @DisplayName("frames the protocol does not accept")
    class Frames {
        @Test
        @DisplayName("a frame over the size limit gets message_too_large (or a 1009 close)")
        void oversized() throws Exception {
            RecordingClient client = connect();
            client.next();
            client.send("{\"type\":\"chat_send\",\"payload\":{\"content\":\"" + "x".repeat(SPEC.maxMessageBytes()) + "\"}}");
            if (client.isClosed()) {
                assertThat(client.awaitClose().code()).isEqualTo(1009);
                return;
            }
            JsonNode reply;
            try {
                reply = client.next();
            } catch (AssertionError closedInstead) {
                assertThat(client.awaitClose().code()).isEqualTo(1009);
                return;
            }
            assertThat(type(reply)).isEqualTo("error");
            assertThat(reply.path("payload").path("code").asText()).isEqualTo("message_too_large");
            String ping = client.request("ping", Map.of());
            assertThat(type(client.replyTo(ping))).isEqualTo("pong");
        }

        @Test
        @DisplayName("a binary frame gets unsupported_frame and the connection stays usable")
        void binary() throws Exception {
            RecordingClient client = connect();
            client.next();
            client.sendBinary(new byte[] {1, 2, 3});
            JsonNode error = client.next();
            assertThat(error.path("payload").path("code").asText()).isEqualTo("unsupported_frame");
            String ping = client.request("ping", Map.of());
            assertThat(type(client.replyTo(ping))).isEqualTo("pong");
        }
    }

    @Nested
    @DisplayName("closing")
    class Closing {
        @Test
        @DisplayName("a client that closes leaves the server's registry")
        void clientClose() throws Exception {
            RecordingClient client = connect();
            client.next();
            await("the server counts the connection", () -> serverConnections() == 1);
            client.close(1000, "bye");
            await("the server forgets the connection", () -> serverConnections() == 0);
        }

        @Test
        @DisplayName("sustained flooding is closed with 1008 after rate_limited errors")
        void floodClosedWithPolicyViolation() throws Exception {
            RecordingClient client = connect();
            client.next();
            // enough frames for the window rule too (100 rejections in 10 s by default): on a slow or busy machine a
            // lockstep round trip can take a millisecond or more, and the tokens that refill meanwhile answer a ping
            // now and then, so the rejections never run maxRejectedInARow long
            List<String> answers = client.floodWithPingsInLockstep(SPEC.rateBurst() + 500);
            assertThat(answers).contains("pong", "rate_limited");
            assertThat(client.awaitClose().code()).isEqualTo(1008);
            await("the server forgets the connection", () -> serverConnections() == 0);
        }
    }
}
