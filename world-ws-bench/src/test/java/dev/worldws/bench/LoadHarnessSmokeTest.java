package dev.worldws.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load harness in {@code bench/} measures what it claims: a two-second run against the Node {@code ws}
 * baseline reports every message answered, latencies in a plausible order, and the clone on disk.
 */
@DisplayName("Load harness (bench/) smoke test")
class LoadHarnessSmokeTest {
    @TempDir
    Path dataDir;

    @BeforeEach
    void needsNode() {
        NodeHarness.requireNode();
    }

    @Test
    @DisplayName("chat round trip against the Node ws baseline: every message answered by every agent, sane latencies")
    void chatRoundTripAgainstWsBaseline() throws Exception {
        try (NodeHarness.Server server = NodeHarness.startBaseline("ws-server.js", dataDir, "--chunks", "3")) {
            JsonNode r = NodeHarness.loadgen(Duration.ofSeconds(30), "--url", server.wsUrl(), "--scenario", "chat",
                    "--users", "10", "--rate", "50", "--seconds", "2", "--warmup", "0");

            assertThat(r.path("sent").asInt()).isEqualTo(100);
            assertThat(r.path("completed").asInt()).isEqualTo(100);
            assertThat(r.path("lost").asInt()).isZero();
            // the stand-in template has 3 agents, each streaming start + 3 chunks + end between its activity
            // events and its message; plus the echoed human message, the sender's acceptance and the final idle
            assertThat(r.path("repliesPerMessage").asDouble()).isEqualTo(3.0);
            assertThat(r.path("framesPerMessage").asDouble()).isEqualTo(1 + 1 + 3 * 8 + 1);
            JsonNode latency = r.path("latency");
            assertThat(latency.path("count").asInt()).isEqualTo(100);
            assertThat(latency.path("p50").asDouble()).isPositive();
            assertThat(latency.path("p50").asDouble()).isLessThanOrEqualTo(latency.path("p99").asDouble());
            assertThat(latency.path("p99").asDouble()).isLessThanOrEqualTo(latency.path("max").asDouble());
            assertThat(latency.path("max").asDouble()).isLessThan(2000.0);
        }
        // every user of the run left, so the baseline removes their cloned worlds
        Path users = dataDir.resolve("users");
        awaitTrue(Duration.ofSeconds(10), () -> {
            try (Stream<Path> left = Files.list(users)) {
                return left.findAny().isEmpty();
            }
        });
        assertThat(users).isEmptyDirectory();
    }

    @Test
    @DisplayName("connect storm against the Node ws baseline: each connection gets its own cloned world on disk")
    void connectStormClonesOneWorldPerUser() throws Exception {
        try (NodeHarness.Server server = NodeHarness.startBaseline("ws-server.js", dataDir, "--grace-ms", "600000")) {
            JsonNode r = NodeHarness.loadgen(Duration.ofSeconds(30), "--url", server.wsUrl(), "--scenario", "storm",
                    "--connections", "20", "--concurrency", "5");

            assertThat(r.path("ok").asInt()).isEqualTo(20);
            assertThat(r.path("errors").size()).isZero();
            assertThat(r.path("perSecond").asDouble()).isPositive();
            assertThat(r.path("connectAndSelect").path("p50").asDouble())
                    .isGreaterThanOrEqualTo(r.path("connect").path("p50").asDouble());
            // within the grace period every user's clone is still there: one world per user, marked as a clone
            List<Path> configs;
            try (Stream<Path> files = Files.walk(dataDir.resolve("users"))) {
                configs = files.filter(f -> f.getFileName().toString().equals("config.json")
                        && f.getParent().getParent().getFileName().toString().equals("worlds")).toList();
            }
            assertThat(configs).hasSize(20);
            assertThat(configs.stream().map(f -> f.getParent().getParent().getParent()).distinct()).hasSize(20);
            assertThat(Files.readString(configs.get(0))).contains("\"originalTemplate\": \"bench-world\"");
        }
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void awaitTrue(Duration timeout, Check check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.ok() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(20_000_000L);
        }
    }

    @Test
    @DisplayName("the load generator refuses a target outside the loopback range")
    void refusesNonLoopbackTargets() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> NodeHarness.loadgen(Duration.ofSeconds(10),
                        "--url", "ws://192.0.2.1:80/ws", "--scenario", "chat"))
                .hasMessageContaining("refusing non-loopback target 192.0.2.1");
    }
}
