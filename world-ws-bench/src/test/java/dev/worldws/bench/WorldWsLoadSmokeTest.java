package dev.worldws.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.worldws.core.WorldWsEngine;
import dev.worldws.core.store.WorldStores;
import dev.worldws.tyrus.WorldWsServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load generator against world-ws itself (engine + Tyrus server in this JVM, file store on a temporary
 * folder): a short run reports every message answered and sane latencies, so the full suite in
 * {@code bench/run.sh} measures something real.
 */
@DisplayName("Load harness against world-ws (in-process server)")
class WorldWsLoadSmokeTest {
    @TempDir
    Path dataDir;

    private WorldWsEngine engine;
    private WorldWsServer server;

    @BeforeEach
    void startServer() throws IOException {
        NodeHarness.requireNode();
        copyTree(NodeHarness.benchDir().resolve("fixtures/templates/bench-world"), dataDir.resolve("worlds/bench-world"));
        engine = WorldWsEngine.builder().store(WorldStores.files(dataDir)).anonymousGracePeriod(Duration.ofMinutes(10)).build();
        server = WorldWsServer.builder(engine).host("127.0.0.1").port(0).build().start();
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop();
        }
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    @DisplayName("chat round trip: every message answered by all three agents, latencies ordered and bounded")
    void chatRoundTrip() throws Exception {
        JsonNode r = NodeHarness.loadgen(Duration.ofSeconds(60), "--url", server.webSocketUri().toString(),
                "--template", "bench-world", "--scenario", "chat", "--users", "5", "--rate", "20", "--seconds", "2",
                "--warmup", "0");

        assertThat(r.path("setupErrors").size()).isZero();
        assertThat(r.path("sent").asInt()).isEqualTo(40);
        assertThat(r.path("completed").asInt()).isEqualTo(40);
        assertThat(r.path("lost").asInt()).isZero();
        assertThat(r.path("rejected").size()).isZero();
        // bench-world's three agents each answer a human message once (no mentions, so no agent answers an agent)
        assertThat(r.path("repliesPerMessage").asDouble()).isEqualTo(3.0);
        JsonNode latency = r.path("latency");
        assertThat(latency.path("count").asInt()).isEqualTo(40);
        assertThat(latency.path("p50").asDouble()).isPositive();
        assertThat(latency.path("p50").asDouble()).isLessThanOrEqualTo(latency.path("p99").asDouble());
        assertThat(latency.path("p99").asDouble()).isLessThanOrEqualTo(latency.path("max").asDouble());
        assertThat(latency.path("max").asDouble()).isLessThan(10_000.0);
    }

    @Test
    @DisplayName("connect storm: each connection is its own user with its own world cloned on disk")
    void connectStorm() throws Exception {
        JsonNode r = NodeHarness.loadgen(Duration.ofSeconds(60), "--url", server.webSocketUri().toString(),
                "--template", "bench-world", "--scenario", "storm", "--connections", "10", "--concurrency", "5");

        assertThat(r.path("ok").asInt()).isEqualTo(10);
        assertThat(r.path("errors").size()).isZero();
        List<Path> worlds;
        try (Stream<Path> users = Files.list(dataDir.resolve("users"))) {
            worlds = users.map(u -> u.resolve("worlds")).filter(Files::isDirectory).toList();
        }
        assertThat(worlds).hasSize(10);
        for (Path w : worlds) {
            try (Stream<Path> names = Files.list(w)) {
                assertThat(names.map(p -> p.getFileName().toString())).singleElement().asString().startsWith("storm-");
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }
}
