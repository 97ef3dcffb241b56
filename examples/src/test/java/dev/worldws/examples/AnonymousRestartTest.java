package dev.worldws.examples;

import static dev.worldws.examples.Wire.isIdle;
import static dev.worldws.examples.Wire.payload;
import static dev.worldws.examples.Wire.type;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.worldws.testkit.RecordingClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("the reference server: anonymous users across a restart")
class AnonymousRestartTest {
    private static final Duration GRACE = Duration.ofSeconds(3);

    @TempDir
    Path dataDir;
    private ReferenceServer server;
    private final List<RecordingClient> clients = new ArrayList<>();

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
        if (server != null) {
            server.close();
        }
    }

    private RecordingClient connect(Map<String, String> query) {
        RecordingClient client = Wire.connect(server.webSocketUri(), query, Map.of());
        clients.add(client);
        return client;
    }

    /** Connects anonymously, selects {@code world} and chats; returns {userId, resumeToken}. */
    private String[] visitor(String world, String words) {
        RecordingClient client = connect(Map.of());
        JsonNode connected = client.next();
        assertThat(type(connected)).isEqualTo("connected");
        client.replyTo(client.request("world_select", payload("templateName", "coffee-shop", "worldName", world)));
        client.replyTo(client.request("chat_send", payload("content", words)));
        client.until(message -> isIdle(message));
        return new String[] {connected.path("payload").path("userId").asText(),
                connected.path("payload").path("resumeToken").asText()};
    }

    private Path userDir(String user) {
        return dataDir.resolve("users").resolve(user);
    }

    @Test
    @DisplayName("a resume token from before a restart restores the user and its world; abandoned users are deleted")
    void resumeAfterRestart() throws Exception {
        ServerConfig config = ServerConfig.local(0, dataDir).withAnonymousGrace(GRACE);
        server = ReferenceServer.start(config);
        String[] returning = visitor("visit", "@barista remember the cardamom buns");
        String[] abandoned = visitor("visit", "@barista forget me");
        int port = server.port();
        server.shutdown(Duration.ofMillis(200));

        Path secret = dataDir.resolve(".resume-token-secret");
        assertThat(secret).as("the generated secret is kept in the data directory").isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
        assertThat(userDir(abandoned[0])).as("a stop deletes nobody").isDirectory();
        String secretBefore = Files.readString(secret);

        server = ReferenceServer.start(config.withPort(port));
        RecordingClient back = connect(Map.of("resumeToken", returning[1]));
        assertThat(back.next().path("payload").path("userId").asText()).isEqualTo(returning[0]);
        JsonNode selected = back.replyTo(back.request("world_select",
                payload("templateName", "coffee-shop", "worldName", "visit")));
        assertThat(selected.path("payload").path("created").asBoolean()).as("the old world, not a new clone").isFalse();
        assertThat(selected.path("payload").path("history").toString()).contains("remember the cardamom buns");

        Wire.await("the abandoned anonymous user's folder is deleted after the grace period",
                () -> !Files.exists(userDir(abandoned[0])));
        assertThat(userDir(returning[0]).resolve("worlds/visit")).as("kept while its user is connected").isDirectory();
        assertThat(Files.readString(secret)).as("the secret is reused, not regenerated").isEqualTo(secretBefore);
    }

    @Test
    @DisplayName("a configured resume secret signs the tokens; nothing is written to the data directory")
    void configuredSecret() {
        ServerConfig config = ServerConfig.local(0, dataDir).withAnonymousGrace(GRACE)
                .withResumeSecret("a-configured-resume-secret-of-32-bytes-or-more");
        server = ReferenceServer.start(config);
        String[] visitor = visitor("visit", "hello");
        server.shutdown(Duration.ofMillis(200));
        assertThat(dataDir.resolve(".resume-token-secret")).doesNotExist();

        server = ReferenceServer.start(config);
        RecordingClient back = connect(Map.of("resumeToken", visitor[1]));
        assertThat(back.next().path("payload").path("userId").asText()).isEqualTo(visitor[0]);
    }
}
