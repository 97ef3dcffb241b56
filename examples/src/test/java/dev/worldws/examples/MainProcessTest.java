package dev.worldws.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.worldws.testkit.RecordingClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server as a user runs it: its own process, its output, SIGTERM. */
@DisplayName("the server process")
class MainProcessTest {
    private static final Pattern LISTENING = Pattern.compile("^Listening on (http://127\\.0\\.0\\.1:(\\d+))$");

    @Test
    @DisplayName("prints one Listening line, serves, and on SIGTERM tells clients, closes with 1001 and exits 0")
    void sigterm(@TempDir Path dir) throws Exception {
        Path dataDir = dir.resolve("fresh-data");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "--port", "0", "--data-dir", dataDir.toString())
                .redirectError(dir.resolve("stderr.txt").toFile())
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String first = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).get(30, TimeUnit.SECONDS);
            Matcher listening = LISTENING.matcher(String.valueOf(first));
            assertThat(listening.matches()).as("first line: %s", first).isTrue();
            assertThat(out.readLine()).isEqualTo("WebSocket endpoint: ws://127.0.0.1:" + listening.group(2) + "/ws");
            assertThat(dataDir.resolve("worlds")).isDirectory();

            RecordingClient client = Wire.connect(URI.create("ws://127.0.0.1:" + listening.group(2) + "/ws"));
            String clientId = client.next().path("payload").path("clientId").asText();
            client.replyTo(client.request("world_select", Wire.payload("templateName", "coffee-shop", "worldName", "w")));

            process.destroy(); // SIGTERM
            JsonNode notice = client.nextOfType("status");
            assertThat(notice.path("payload").path("type").asText()).isEqualTo("server_shutdown");
            assertThat(client.awaitClose().code()).isEqualTo(1001);
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("process exited").isTrue();
            assertThat(process.exitValue()).isZero();
            List<String> log = Files.readAllLines(dir.resolve("stderr.txt"));
            assertThat(log).as("log lines name the client id the client was given")
                    .anyMatch(line -> line.contains("connection opened: " + clientId))
                    .anyMatch(line -> line.contains("connection closed: " + clientId));
            assertThat(log).noneMatch(line -> line.startsWith("\tat ")).as("no stack traces");
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    @DisplayName("a bad option exits 2 with a one-line reason")
    void badOption() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "--prot", "1").start();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip())
                .isEqualTo("world-ws: unknown option --prot (see --help)");
    }
}
