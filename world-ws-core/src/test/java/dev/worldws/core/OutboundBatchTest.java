package dev.worldws.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.worldws.api.TemplateName;
import dev.worldws.api.spi.ReplyListener;
import dev.worldws.api.world.World;
import dev.worldws.core.store.WorldStores;
import dev.worldws.testkit.ManualClock;
import dev.worldws.testkit.RecordingClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("frames queued together leave together")
class OutboundBatchTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REPLY = "the quick brown fox jumps over the lazy dog, and then it jumps back over it";

    private final ManualClock clock = ManualClock.startingAtEpochOf2026();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final ManualExecutor executor = new ManualExecutor();
    private final AtomicReference<ReplyListener> lateChunks = new AtomicReference<>();
    private final CompletableFuture<String> lateReply = new CompletableFuture<>();
    private final DefaultEngine engine = (DefaultEngine) WorldWsEngine.builder()
            .store(WorldStores.inMemory(templates(), clock)).clock(clock).scheduler(scheduler)
            .executor(executor).storageExecutor(executor).authenticator(TestWorlds.BY_HEADER)
            .responder("later", (request, listener) -> {
                lateChunks.set(listener);
                return lateReply;
            })
            .build();

    /** "fox": one agent whose reply streams in several steps; "late": one whose chunks come when the test says. */
    private static Map<TemplateName, World> templates() {
        Map<TemplateName, World> templates = new LinkedHashMap<>(TestWorlds.templates());
        templates.put(TemplateName.of("fox"), TestWorlds.world("fox", 5, TestWorlds.agent("fox", null, REPLY)));
        templates.put(TemplateName.of("late"), TestWorlds.world("late", 5, TestWorlds.agent("late", "later")));
        return templates;
    }

    @AfterEach
    void stop() {
        engine.shutdown(Duration.ZERO);
        executor.runAll();
    }

    private ConnectionHandler open(RecordingTransport transport, String template) {
        ConnectionHandler handler = engine.open(transport, engine.authenticate(TestWorlds.user("ada")));
        executor.runAll();
        handler.onText(RecordingClient.requestFrame("world_select", "s1",
                Map.of("templateName", template, "worldName", "w")));
        executor.runAll();
        assertThat(transport.sent()).anySatisfy(text -> assertThat(text).contains("\"replyTo\":\"s1\""));
        return handler;
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean isStep(String text, String kind) {
        JsonNode message = parse(text);
        return message.path("type").asText().equals("chat_response")
                && message.path("payload").path("kind").asText().equals(kind);
    }

    @Test
    @DisplayName("a reply streamed in one go reaches each connection in one write, every step in order")
    void oneWritePerTurn() {
        RecordingTransport first = new RecordingTransport();
        RecordingTransport second = new RecordingTransport();
        ConnectionHandler talker = open(first, "fox");
        open(second, "fox");

        talker.onText(RecordingClient.requestFrame("chat_send", "c1", Map.of("content", "hello fox")));
        executor.runAll();

        for (RecordingTransport transport : List.of(first, second)) {
            List<String> write = transport.writes().stream()
                    .filter(texts -> texts.stream().anyMatch(text -> isStep(text, "start")))
                    .findFirst().orElseThrow();
            List<String> kinds = new ArrayList<>();
            StringBuilder chunks = new StringBuilder();
            long lastSeq = 0;
            for (String text : write) {
                JsonNode message = parse(text);
                if (message.has("seq")) { // world events; replies to requests have none
                    long seq = message.path("seq").asLong();
                    assertThat(seq).as("seq of %s", text).isGreaterThan(lastSeq);
                    lastSeq = seq;
                }
                if (message.path("type").asText().equals("chat_response")) {
                    kinds.add(message.path("payload").path("kind").asText());
                    chunks.append(message.path("payload").path("content").asText(""));
                }
            }
            assertThat(kinds).as("steps in the write holding the start").first().isEqualTo("start");
            assertThat(kinds).last().isEqualTo("end");
            assertThat(kinds).filteredOn("chunk"::equals).hasSizeGreaterThan(1);
            assertThat(transport.sent()).as("every frame sent once").doesNotHaveDuplicates();
        }
    }

    @Test
    @DisplayName("a chunk that comes later is sent at once, not held until the reply ends")
    void laterChunksAreNotHeld() {
        RecordingTransport transport = new RecordingTransport();
        ConnectionHandler handler = open(transport, "late");
        handler.onText(RecordingClient.requestFrame("chat_send", "c1", Map.of("content", "take your time")));
        executor.runAll();
        assertThat(lateChunks.get()).as("the responder was asked").isNotNull();
        assertThat(transport.sent()).anyMatch(text -> isStep(text, "start"));

        String piece = "a first piece long enough to be its own step";
        lateChunks.get().onChunk(piece);
        executor.runAll();
        assertThat(transport.sent()).filteredOn(text -> isStep(text, "chunk")).singleElement()
                .satisfies(text -> assertThat(parse(text).path("payload").path("content").asText()).isEqualTo(piece));
        assertThat(transport.sent()).noneMatch(text -> isStep(text, "end"));

        lateReply.complete(piece);
        executor.runAll();
        assertThat(transport.sent()).anyMatch(text -> isStep(text, "end"));
    }

    @Test
    @DisplayName("frames waiting behind a slow send go out together once it completes")
    void waitingFramesLeaveTogether() {
        RecordingTransport transport = new RecordingTransport();
        ConnectionHandler handler = engine.open(transport, engine.authenticate(TestWorlds.user("bo")));
        executor.runAll();
        transport.holdSends();
        for (String id : List.of("p1", "p2", "p3")) {
            handler.onText(RecordingClient.requestFrame("ping", id, Map.of()));
            executor.runAll();
        }
        assertThat(transport.writes()).last().satisfies(write -> assertThat(write).singleElement()
                .satisfies(text -> assertThat(text).contains("\"replyTo\":\"p1\"")));

        transport.releaseHeldSends();
        assertThat(transport.writes()).last().satisfies(write -> assertThat(write).hasSize(2)
                .satisfies(texts -> assertThat(texts.get(0)).contains("\"replyTo\":\"p2\""))
                .satisfies(texts -> assertThat(texts.get(1)).contains("\"replyTo\":\"p3\"")));
    }
}
