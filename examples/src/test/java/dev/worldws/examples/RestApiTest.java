package dev.worldws.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.worldws.testkit.RecordingClient;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("the reference server's REST views and page, on the WebSocket's port")
class RestApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;
    private ReferenceServer server;

    @BeforeEach
    void start() {
        server = ReferenceServer.start(ServerConfig.local(0, dataDir).withJwtSecret(EndToEndTest.SECRET));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private JsonNode json(String path, Map<String, String> headers, int status) throws Exception {
        HttpResponse<String> response = Wire.get(server.httpUri().resolve(path), headers);
        assertThat(response.statusCode()).as("%s -> %s", path, response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        return JSON.readTree(response.body());
    }

    @Test
    @DisplayName("an empty data directory is created and seeded with the sample templates")
    void seeded() throws Exception {
        JsonNode templates = json("/api/templates", Map.of(), 200);
        assertThat(templates.path("templates").findValuesAsText("name")).contains("coffee-shop", "writers-room");
        assertThat(templates.path("templates").get(0).path("agents")).isNotEmpty();
        assertThat(dataDir.resolve("worlds/coffee-shop/config.json")).exists();
    }

    @Test
    @DisplayName("/health reports liveness, readiness and WebSocket statistics")
    void health() throws Exception {
        RecordingClient client = Wire.connect(server.webSocketUri());
        client.next();
        Wire.await("the engine counts the connection", () -> server.engine().stats().connections() == 1);
        JsonNode health = json("/health", Map.of(), 200);
        assertThat(health.path("status").asText()).isEqualTo("ok");
        assertThat(health.path("ready").asBoolean()).isTrue();
        assertThat(health.path("websocket").path("connections").asInt()).isEqualTo(1);
        assertThat(health.path("stats").path("messagesOut").asLong()).isPositive();
        assertThat(json("/api/stats", Map.of(), 200).path("connections").asInt()).isEqualTo(1);
        client.close(1000, "bye");
    }

    @Test
    @DisplayName("/api/worlds lists the caller's own worlds: by bearer token, by ?token=, by anonymous resumeToken")
    void worlds() throws Exception {
        RecordingClient alice = Wire.connect(server.webSocketUri(), Map.of(),
                Map.of("Authorization", "Bearer " + EndToEndTest.token("alice")));
        alice.next();
        alice.replyTo(alice.request("world_select", Wire.payload("templateName", "coffee-shop", "worldName", "mine")));
        JsonNode byHeader = json("/api/worlds", Map.of("Authorization", "Bearer " + EndToEndTest.token("alice")), 200);
        assertThat(byHeader.path("userId").asText()).isEqualTo("alice");
        assertThat(byHeader.path("worlds").get(0).path("name").asText()).isEqualTo("mine");
        assertThat(byHeader.path("worlds").get(0).path("template").asText()).isEqualTo("coffee-shop");
        assertThat(json("/api/worlds?token=" + EndToEndTest.token("bob"), Map.of(), 200).path("worlds")).isEmpty();

        RecordingClient guest = Wire.connect(server.webSocketUri());
        JsonNode connected = guest.next();
        guest.replyTo(guest.request("world_select", Wire.payload("templateName", "writers-room", "worldName", "guest")));
        String resumeToken = connected.path("payload").path("resumeToken").asText();
        JsonNode guests = json("/api/worlds?resumeToken=" + resumeToken, Map.of(), 200);
        assertThat(guests.path("userId").asText()).isEqualTo(connected.path("payload").path("userId").asText());
        assertThat(guests.path("worlds").findValuesAsText("name")).containsExactly("guest");
        assertThat(json("/api/worlds", Map.of(), 200).path("worlds")).as("a new anonymous caller owns nothing").isEmpty();
        alice.close(1000, "bye");
        guest.close(1000, "bye");
    }

    @Test
    @DisplayName("a bad token on /api/worlds is a JSON 401 with the reason")
    void badToken() throws Exception {
        JsonNode refused = json("/api/worlds?token=garbage", Map.of(), 401);
        assertThat(refused.path("error").path("code").asText()).isEqualTo("unauthorized");
        assertThat(refused.path("error").path("message").asText()).contains("token refused");
    }

    @Test
    @DisplayName("/ serves the page; unknown paths and methods get JSON errors")
    void pageAndErrors() throws Exception {
        HttpResponse<String> page = Wire.get(server.httpUri().resolve("/"), Map.of());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type").orElse("")).startsWith("text/html");
        assertThat(page.body()).containsIgnoringCase("<html");
        assertThat(json("/api/nothing", Map.of(), 404).path("error").path("code").asText()).isEqualTo("not_found");
        assertThat(json("/no/such/file.js", Map.of(), 404).path("error").path("code").asText()).isEqualTo("not_found");
        assertThat(json("/web/../templates/index.txt", Map.of(), 404).path("error").path("code").asText())
                .isEqualTo("not_found");
    }

    @Test
    @DisplayName("a port already in use is refused with a clear message")
    void portInUse() {
        assertThatThrownBy(() -> ReferenceServer.start(ServerConfig.local(server.port(), dataDir)))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("address already in use");
    }

    @Test
    @DisplayName("with the WebSocket switched off, REST still answers")
    void webSocketOff(@TempDir Path otherDir) throws Exception {
        ServerConfig base = ServerConfig.local(0, otherDir);
        ServerConfig off = new ServerConfig(base.host(), 0, base.path(), otherDir, base.jwtSecret(), false,
                base.maxMessageBytes(), base.heartbeatInterval(), base.heartbeatTimeout(), base.anonymousGrace(),
                base.shutdownGrace(), false);
        try (ReferenceServer restOnly = ReferenceServer.start(off)) {
            HttpResponse<String> health = Wire.get(restOnly.httpUri().resolve("/health"), Map.of());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(health.body()).path("websocket").path("enabled").asBoolean()).isFalse();
            assertThatThrownBy(() -> Wire.connect(restOnly.webSocketUri())).isInstanceOf(RuntimeException.class);
        }
    }
}
