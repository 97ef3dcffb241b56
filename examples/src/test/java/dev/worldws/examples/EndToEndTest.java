package dev.worldws.examples;

import static dev.worldws.examples.Wire.errorCode;
import static dev.worldws.examples.Wire.isIdle;
import static dev.worldws.examples.Wire.payload;
import static dev.worldws.examples.Wire.type;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.worldws.api.UserId;
import dev.worldws.core.auth.JwtTokens;
import dev.worldws.testkit.RecordingClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference server over real loopback sockets, driven by a client that is not ours (the JDK's WebSocket)
 * following docs/protocol.md.
 */
@DisplayName("the reference server end to end")
class EndToEndTest {
    static final String SECRET = "end-to-end-test-secret-of-at-least-32-bytes";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_MESSAGE_BYTES = 8192;

    @TempDir
    Path dataDir;
    private ReferenceServer server;
    private final List<RecordingClient> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        server = ReferenceServer.start(config(0));
    }

    private ServerConfig config(int port) {
        return ServerConfig.local(port, dataDir).withJwtSecret(SECRET).withMaxMessageBytes(MAX_MESSAGE_BYTES)
                .withAnonymousGrace(Duration.ofMillis(300));
    }

    @AfterEach
    void stop() {
        for (RecordingClient client : clients) {
            if (!client.isClosed()) {
                try {
                    client.close(1000, "test over");
                } catch (AssertionError ignored) {
                    // already gone
                }
            }
        }
        server.close();
    }

    static String token(String user) {
        return JwtTokens.issue(SECRET, UserId.of(user), Instant.now(), Instant.now().plusSeconds(3600));
    }

    private RecordingClient connectAs(String user) {
        RecordingClient client = Wire.connect(server.webSocketUri(), Map.of(),
                Map.of("Authorization", "Bearer " + token(user)));
        clients.add(client);
        JsonNode connected = client.next();
        assertThat(type(connected)).isEqualTo("connected");
        assertThat(connected.path("payload").path("userId").asText()).isEqualTo(user);
        return client;
    }

    private RecordingClient connectAnonymously(Map<String, String> query) {
        RecordingClient client = Wire.connect(server.webSocketUri(), query, Map.of());
        clients.add(client);
        return client;
    }

    private static JsonNode select(RecordingClient client, String template, String world) {
        JsonNode selected = client.replyTo(client.request("world_select",
                payload("templateName", template, "worldName", world)));
        assertThat(type(selected)).as("%s", selected).isEqualTo("world_selected");
        return selected;
    }

    /** Sends a message and returns everything up to the world going idle. */
    private static List<JsonNode> chat(RecordingClient client, String content) {
        String id = client.request("chat_send", payload("content", content));
        List<JsonNode> exchange = client.until(Wire::isIdle);
        assertThat(exchange).anySatisfy(m -> {
            assertThat(m.path("replyTo").asText()).isEqualTo(id);
            assertThat(type(m)).isEqualTo("status");
        });
        return exchange;
    }

    private static String replyOf(List<JsonNode> exchange, String agent) {
        return exchange.stream()
                .filter(m -> type(m).equals("chat_response"))
                .filter(m -> m.path("payload").path("agentName").asText().equals(agent))
                .filter(m -> m.path("payload").path("kind").asText().equals("end"))
                .map(m -> m.path("payload").path("content").asText())
                .findFirst().orElseThrow(() -> new AssertionError("no reply from " + agent + " in " + exchange));
    }

    @Test
    @DisplayName("the complete flow: select, chat with a streamed reply, an agent update seen by a second connection, reload")
    void completeFlow() {
        RecordingClient first = connectAs("alice");
        JsonNode selected = select(first, "coffee-shop", "morning");
        assertThat(selected.path("payload").path("agents")).hasSize(3);
        assertThat(selected.path("payload").path("created").asBoolean()).isTrue();

        List<JsonNode> exchange = chat(first, "@barista good morning!");
        List<String> kinds = exchange.stream().filter(m -> type(m).equals("chat_response"))
                .filter(m -> m.path("payload").path("agentName").asText().equals("barista"))
                .map(m -> m.path("payload").path("kind").asText()).toList();
        assertThat(kinds.get(0)).isEqualTo("start");
        assertThat(kinds).contains("chunk").endsWith("end");
        assertThat(replyOf(exchange, "barista")).isNotBlank();

        RecordingClient second = connectAs("alice");
        JsonNode again = select(second, "coffee-shop", "morning");
        assertThat(again.path("payload").path("created").asBoolean()).isFalse();

        String update = first.request("agent_update", payload("agentName", "barista",
                "config", payload("systemPrompt", "You are a very sleepy barista.")));
        JsonNode seenBySecond = second.nextOfType("agent_updated");
        assertThat(seenBySecond.path("payload").path("agent").path("systemPrompt").asText())
                .isEqualTo("You are a very sleepy barista.");
        assertThat(first.replyTo(update).path("type").asText()).isIn("status", "agent_updated");

        String reload = second.request("world_reload", Map.of());
        assertThat(first.nextOfType("world_reloaded").path("payload").path("agents")).hasSize(3);
        assertThat(second.replyTo(reload)).isNotNull();
    }

    @Test
    @DisplayName("two users with the same template and world name never see each other's events or worlds")
    void multiUserIsolation() throws Exception {
        RecordingClient alice = connectAs("alice");
        RecordingClient bob = connectAs("bob");
        select(alice, "coffee-shop", "shared-name");
        select(bob, "coffee-shop", "shared-name");

        chat(alice, "@barista a secret for alice only");
        String ping = bob.request("ping", Map.of());
        JsonNode next = bob.next();
        assertThat(next.path("replyTo").asText()).as("bob's next message is his pong, not alice's events: %s", next)
                .isEqualTo(ping);

        JsonNode bobsWorlds = JSON.readTree(Wire.get(server.httpUri().resolve("/api/worlds"),
                Map.of("Authorization", "Bearer " + token("bob"))).body());
        assertThat(bobsWorlds.path("userId").asText()).isEqualTo("bob");
        assertThat(bobsWorlds.path("worlds")).hasSize(1);
        Path alicesEvents = dataDir.resolve("users/alice/worlds/shared-name");
        Path bobsWorld = dataDir.resolve("users/bob/worlds/shared-name");
        assertThat(alicesEvents).isDirectory();
        assertThat(bobsWorld).isDirectory();
        try (var files = Files.walk(bobsWorld)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(file)).doesNotContain("a secret for alice only");
            }
        }
    }

    @Test
    @DisplayName("one user may hold several worlds, each with its own events")
    void severalWorlds() throws Exception {
        RecordingClient shop = connectAs("carol");
        RecordingClient room = connectAs("carol");
        select(shop, "coffee-shop", "shop");
        select(room, "writers-room", "room");
        chat(shop, "@barista hello shop");
        String ping = room.request("ping", Map.of());
        assertThat(room.next().path("replyTo").asText()).isEqualTo(ping);

        JsonNode worlds = JSON.readTree(Wire.get(server.httpUri().resolve("/api/worlds?token=" + token("carol")),
                Map.of()).body());
        assertThat(worlds.path("worlds").findValuesAsText("name")).containsExactly("room", "shop");
    }

    @Test
    @DisplayName("an anonymous user's worlds are deleted after the grace period; a resume within it keeps them")
    void anonymousCleanup() {
        RecordingClient guest = connectAnonymously(Map.of());
        JsonNode connected = guest.next();
        String user = connected.path("payload").path("userId").asText();
        String resumeToken = connected.path("payload").path("resumeToken").asText();
        assertThat(connected.path("payload").path("anonymous").asBoolean()).isTrue();
        select(guest, "coffee-shop", "visit");
        Path space = dataDir.resolve("users").resolve(user);
        assertThat(space).isDirectory();

        guest.close(1000, "bye");
        RecordingClient back = connectAnonymously(Map.of("resumeToken", resumeToken));
        assertThat(back.next().path("payload").path("userId").asText()).isEqualTo(user);
        assertThat(select(back, "coffee-shop", "visit").path("payload").path("created").asBoolean()).isFalse();

        back.close(1000, "bye for good");
        Wire.await("the anonymous user's folder is deleted", () -> !Files.exists(space));
        assertThat(dataDir.resolve("worlds/coffee-shop")).as("templates untouched").isDirectory();
    }

    @Test
    @DisplayName("a guest's world links the template's files until it changes them, a known user's copies them, and chatting changes no template")
    void guestsCloneWithLinks() throws Exception {
        Path template = dataDir.resolve("worlds/coffee-shop");
        Map<Path, String> templateBefore = contents(template);
        RecordingClient guest = connectAnonymously(Map.of());
        String user = guest.next().path("payload").path("userId").asText();
        select(guest, "coffee-shop", "visit");
        RecordingClient alice = connectAs("alice");
        select(alice, "coffee-shop", "visit");
        Path guestWorld = dataDir.resolve("users").resolve(user).resolve("worlds/visit");
        Path aliceWorld = dataDir.resolve("users/alice/worlds/visit");
        String prompt = "agents/barista/system-prompt.md";
        assertThat(Files.isSameFile(guestWorld.resolve(prompt), template.resolve(prompt))).as("the guest's prompt").isTrue();
        assertThat(Files.isSameFile(aliceWorld.resolve(prompt), template.resolve(prompt))).as("alice's prompt").isFalse();

        chat(guest, "@barista one flat white, please");
        Path memory = guestWorld.resolve("agents/barista/memory.json");
        Wire.await("the guest's chat is saved", () -> text(memory).contains("one flat white"));

        assertThat(Files.isSameFile(memory, template.resolve("agents/barista/memory.json"))).isFalse();
        assertThat(Files.isSameFile(guestWorld.resolve(prompt), template.resolve(prompt))).as("unchanged: still linked").isTrue();
        assertThat(contents(template)).isEqualTo(templateBefore);
    }

    private static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return ""; // being replaced right now: read again
        }
    }

    /** Every file under {@code dir} with its text. */
    private static Map<Path, String> contents(Path dir) throws IOException {
        Map<Path, String> contents = new java.util.TreeMap<>();
        try (var files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                contents.put(file, Files.readString(file));
            }
        }
        return contents;
    }

    @Test
    @DisplayName("a known user's world, agents and history survive a server restart on the same port and data")
    void survivesRestart() throws Exception {
        RecordingClient alice = connectAs("alice");
        JsonNode before = select(alice, "coffee-shop", "diary");
        int memoryBefore = barista(before).path("memorySize").asInt();
        chat(alice, "@barista remember the cardamom buns");
        alice.replyTo(alice.request("agent_update", payload("agentName", "barista",
                "config", payload("systemPrompt", "Prompt that must survive."))));
        int port = server.port();
        server.shutdown(Duration.ofMillis(200));
        JsonNode shutdownNotice = alice.next(m -> type(m).equals("status") && !m.hasNonNull("replyTo"));
        assertThat(shutdownNotice.path("payload").path("type").asText()).isEqualTo("server_shutdown");
        assertThat(alice.awaitClose().code()).isEqualTo(1001);

        server = ReferenceServer.start(config(port));
        RecordingClient again = connectAs("alice");
        JsonNode after = select(again, "coffee-shop", "diary");
        assertThat(after.path("payload").path("created").asBoolean()).isFalse();
        assertThat(barista(after).path("systemPrompt").asText()).isEqualTo("Prompt that must survive.");
        assertThat(barista(after).path("memorySize").asInt()).isGreaterThan(memoryBefore);
        try (var files = Files.walk(dataDir.resolve("users/alice/worlds/diary"))) {
            assertThat(files.filter(Files::isRegularFile).map(file -> {
                try {
                    return Files.readString(file);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).anyMatch(text -> text.contains("remember the cardamom buns"))).isTrue();
        }
    }

    private static JsonNode barista(JsonNode selected) {
        for (JsonNode agent : selected.path("payload").path("agents")) {
            if (agent.path("id").asText().equals("barista")) {
                return agent;
            }
        }
        throw new AssertionError("no barista in " + selected);
    }

    @Test
    @DisplayName("a refused token closes the handshake with 4401 and the reason")
    void badToken() {
        RecordingClient client = Wire.connect(server.webSocketUri(), Map.of("token", "not-a-jwt"), Map.of());
        RecordingClient.CloseStatus close = client.awaitClose();
        assertThat(close.code()).isEqualTo(4401);
        assertThat(close.reason()).contains("token refused");
    }

    @Nested
    @DisplayName("bad input is answered as docs/protocol.md says, and nobody else notices")
    class BadInput {
        private RecordingClient bystander;

        @BeforeEach
        void bystander() {
            bystander = connectAs("dave");
            select(bystander, "coffee-shop", "calm");
        }

        private void bystanderUnaffected() {
            assertThat(chat(bystander, "@barista still fine?")).anyMatch(Wire::isIdle);
        }

        @Test
        @DisplayName("malformed JSON gets invalid_json")
        void malformedJson() {
            RecordingClient client = connectAs("eve");
            client.send("{\"type\": \"chat_send\", ");
            assertThat(errorCode(client.nextOfType("error"))).isEqualTo("invalid_json");
            assertThat(type(client.replyTo(client.request("ping", Map.of())))).isEqualTo("pong");
            bystanderUnaffected();
        }

        @Test
        @DisplayName("an unknown type gets unknown_type with the request id")
        void unknownType() {
            RecordingClient client = connectAs("eve");
            String id = client.request("teleport", Map.of());
            assertThat(errorCode(client.replyTo(id))).isEqualTo("unknown_type");
            bystanderUnaffected();
        }

        @Test
        @DisplayName("missing fields get invalid_payload naming the field")
        void missingFields() {
            RecordingClient client = connectAs("eve");
            JsonNode error = client.replyTo(client.request("world_select", payload("worldName", "w")));
            assertThat(errorCode(error)).isEqualTo("invalid_payload");
            assertThat(error.path("payload").path("message").asText()).contains("templateName");
            bystanderUnaffected();
        }

        @Test
        @DisplayName("an invalid name gets invalid_name and touches no file outside the user's space")
        void invalidName() {
            RecordingClient client = connectAs("eve");
            JsonNode error = client.replyTo(client.request("world_select",
                    payload("templateName", "coffee-shop", "worldName", "../../dave/worlds/calm")));
            assertThat(errorCode(error)).isEqualTo("invalid_name");
            assertThat(dataDir.resolve("users/eve")).doesNotExist();
            bystanderUnaffected();
        }

        @Test
        @DisplayName("a frame over the limit gets message_too_large and the connection stays usable")
        void tooLarge() {
            RecordingClient client = connectAs("eve");
            client.send("{\"type\":\"chat_send\",\"payload\":{\"content\":\"" + "x".repeat(MAX_MESSAGE_BYTES) + "\"}}");
            assertThat(errorCode(client.nextOfType("error"))).isEqualTo("message_too_large");
            assertThat(type(client.replyTo(client.request("ping", Map.of())))).isEqualTo("pong");
            bystanderUnaffected();
        }

        @Test
        @DisplayName("a binary frame gets unsupported_frame")
        void binary() {
            RecordingClient client = connectAs("eve");
            client.sendBinary(new byte[] {0, 1, 2});
            assertThat(errorCode(client.nextOfType("error"))).isEqualTo("unsupported_frame");
            bystanderUnaffected();
        }

        @Test
        @DisplayName("flooding gets rate_limited, then a 1008 close; the server goes on")
        void flooding() throws Exception {
            RecordingClient client = connectAs("eve");
            assertThat(client.floodWithPingsInLockstep(400)).contains("pong", "rate_limited");
            assertThat(client.awaitClose().code()).isEqualTo(1008);
            bystanderUnaffected();
            assertThat(Wire.get(server.httpUri().resolve("/health"), Map.of()).statusCode()).isEqualTo(200);
        }
    }
}
