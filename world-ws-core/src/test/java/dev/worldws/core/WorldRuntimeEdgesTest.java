package dev.worldws.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.worldws.api.WorldKey;
import dev.worldws.api.event.MessageEvent;
import dev.worldws.api.event.SenderType;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.api.world.MemoryItem;
import dev.worldws.core.bus.EventBuses;
import dev.worldws.core.store.WorldStores;
import dev.worldws.testkit.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("a world at its edges")
class WorldRuntimeEdgesTest {
    private final ManualClock clock = ManualClock.startingAtEpochOf2026();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final WorldStore store = WorldStores.inMemory(TestWorlds.templates(), clock);
    private final InterceptingBus bus = new InterceptingBus(EventBuses.inProcess());
    private final List<WorldWsEngine> engines = new ArrayList<>();

    private WorldWsEngineBuilder builder() {
        return WorldWsEngine.builder().store(store).eventBus(bus).clock(clock).scheduler(scheduler)
                .authenticator(TestWorlds.BY_HEADER);
    }

    private WorldWsEngine start(WorldWsEngineBuilder configured) {
        WorldWsEngine engine = configured.build();
        engines.add(engine);
        return engine;
    }

    @AfterEach
    void close() {
        engines.forEach(WorldWsEngine::close);
        bus.close();
    }

    private static boolean isStep(JsonNode message, String kind) {
        return message.path("type").asText().equals("chat_response")
                && message.path("payload").path("kind").asText().equals(kind);
    }

    private String memory(WorldKey key) {
        return store.load(key).agents().stream().flatMap(agent -> agent.memory().stream()).map(MemoryItem::content)
                .toList().toString();
    }

    @Nested
    @DisplayName("a bus that throws on publish")
    class ThrowingBus {
        @Test
        @DisplayName("fails that request only: the world keeps answering and the engine still stops")
        void worldGoesOn() throws Exception {
            AtomicBoolean thrown = new AtomicBoolean();
            bus.beforePublish(event -> {
                if (event instanceof MessageEvent message && message.senderType() == SenderType.HUMAN
                        && thrown.compareAndSet(false, true)) {
                    throw new IllegalStateException("bus unavailable");
                }
                return event;
            });
            WorldWsEngine engine = start(builder());
            try (WireClient client = WireClient.connect(engine, TestWorlds.user("nia"))) {
                client.select("workshop", "w");
                String id = client.send("chat_send", Map.of("content", "lost in the bus"));
                JsonNode failed = client.nextMatching(m -> id.equals(m.path("replyTo").asText()));
                assertThat(failed.path("type").asText()).isEqualTo("error");

                client.chat("second try");
                JsonNode end = client.nextMatching(m -> isStep(m, "end"));
                assertThat(end.path("payload").path("agentName").asText()).isEqualTo("smith");
                client.untilIdle();
            }
            engine.shutdown(Duration.ofMinutes(10)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(memory(WorldKey.of("nia", "w"))).contains("second try").doesNotContain("lost in the bus");
        }
    }

    @Nested
    @DisplayName("resume without an epoch")
    class ResumeWithoutEpoch {
        @Test
        @DisplayName("gets a fresh snapshot with recovered false and the history, never a silent gap")
        void freshSnapshot() {
            WorldWsEngine engine = start(builder());
            try (WireClient first = WireClient.connect(engine, TestWorlds.user("omar"))) {
                first.select("garden", "g");
                first.chat("hello there");
                List<JsonNode> seen = first.untilIdle();
                long lastSeq = seen.get(seen.size() - 1).path("seq").asLong();
                try (WireClient back = WireClient.connect(engine, TestWorlds.user("omar"))) {
                    String id = back.send("world_select", Map.of("templateName", "garden", "worldName", "g",
                            "resumeFrom", lastSeq));
                    JsonNode selected = back.nextMatching(m -> id.equals(m.path("replyTo").asText()));
                    assertThat(selected.path("payload").path("recovered").asBoolean(true)).isFalse();
                    assertThat(selected.path("payload").path("history").toString()).contains("hello there");
                }
            }
        }
    }

    @Nested
    @DisplayName("persistent: false")
    class Temporary {
        @Test
        @DisplayName("never deletes a world that already existed; a world it creates goes when its last connection leaves")
        void onlyForWorldsItCreates() {
            WorldWsEngine engine = start(builder());
            WorldKey kept = WorldKey.of("pia", "kept");
            try (WireClient client = WireClient.connect(engine, TestWorlds.user("pia"))) {
                client.select("garden", "kept");
                client.chat("remember me");
                client.untilIdle();
            }
            Await.until("the world is unloaded", () -> engine.stats().worldsLoaded() == 0);
            try (WireClient visitor = WireClient.connect(engine, TestWorlds.user("pia"))) {
                String id = visitor.send("world_select", Map.of("templateName", "garden", "worldName", "kept",
                        "persistent", false));
                JsonNode selected = visitor.nextMatching(m -> id.equals(m.path("replyTo").asText()));
                assertThat(selected.path("payload").path("created").asBoolean(true)).isFalse();
                String scratch = visitor.send("world_select", Map.of("templateName", "garden", "worldName", "scratch",
                        "persistent", false));
                assertThat(visitor.nextMatching(m -> scratch.equals(m.path("replyTo").asText()))
                        .path("payload").path("created").asBoolean()).isTrue();
            }
            Await.until("both worlds are unloaded", () -> engine.stats().worldsLoaded() == 0);
            assertThat(store.exists(kept)).isTrue();
            assertThat(memory(kept)).contains("remember me");
            assertThat(store.exists(WorldKey.of("pia", "scratch"))).isFalse();
        }
    }

    @Nested
    @DisplayName("shutdown with a reply that never ends")
    class ShutdownBound {
        @Test
        @DisplayName("completes once the grace is over, ends the reply with an error and saves the conversation so far")
        void boundedByTheGrace() throws Exception {
            CompletableFuture<String> never = new CompletableFuture<>();
            WorldWsEngine engine = start(builder().responder("failing", (request, listener) -> never));
            try (WireClient client = WireClient.connect(engine, TestWorlds.user("ravi"))) {
                client.select("broken", "b");
                client.chat("@oracle keep this message");
                client.nextMatching(m -> isStep(m, "start"));

                CompletableFuture<Void> stopped = engine.shutdown(Duration.ofSeconds(30)).toCompletableFuture();
                scheduler.advance(Duration.ofSeconds(20));
                assertThat(stopped).as("within the grace the reply may still finish").isNotDone();
                scheduler.advance(Duration.ofSeconds(11));
                stopped.get(10, TimeUnit.SECONDS);
            }
            assertThat(never).as("the responder was cancelled").isCancelled();
            assertThat(memory(WorldKey.of("ravi", "b"))).contains("@oracle keep this message");
            assertThat(bus.sequenced.stream().filter(event -> event instanceof dev.worldws.api.event.StreamEvent step
                    && step.kind() == dev.worldws.api.event.StreamEvent.Kind.ERROR)).hasSize(1);
        }
    }
}
