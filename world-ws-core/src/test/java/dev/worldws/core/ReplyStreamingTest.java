package dev.worldws.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.worldws.api.TemplateName;
import dev.worldws.api.event.StreamEvent;
import dev.worldws.api.event.WorldEvent;
import dev.worldws.api.spi.ReplyListener;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.api.world.World;
import dev.worldws.core.bus.EventBuses;
import dev.worldws.core.store.WorldStores;
import dev.worldws.core.transport.InMemoryClient;
import dev.worldws.testkit.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("agent replies as streamed to clients")
class ReplyStreamingTest {
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(5);

    private final ManualClock clock = ManualClock.startingAtEpochOf2026();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final WorldStore store = WorldStores.inMemory(templates(), clock);
    private final InterceptingBus bus = new InterceptingBus(EventBuses.inProcess());
    private final List<WorldWsEngine> engines = new ArrayList<>();

    /** The test templates plus "echo": one agent with the default offline reply, which repeats the message. */
    private static Map<TemplateName, World> templates() {
        Map<TemplateName, World> templates = new LinkedHashMap<>(TestWorlds.templates());
        templates.put(TemplateName.of("echo"), TestWorlds.world("echo", 5, TestWorlds.agent("echo", null)));
        templates.put(TemplateName.of("counter"), TestWorlds.world("counter", 5,
                TestWorlds.agent("counter", null, "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7")));
        return templates;
    }

    private WorldWsEngineBuilder builder() {
        return WorldWsEngine.builder().store(store).eventBus(bus).clock(clock).scheduler(scheduler)
                .replyTimeout(REPLY_TIMEOUT).authenticator(TestWorlds.BY_HEADER)
                .limits(Limits.defaults().withRate(1_000, 1_000));
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

    @Test
    @DisplayName("a 6,000-word message and its echo reach a client that reads slowly whole, without closing it")
    void longReplyDoesNotOverflowTheQueue() {
        WorldWsEngine engine = start(builder());
        StringBuilder words = new StringBuilder();
        for (int i = 0; i < 6_000; i++) {
            words.append(i % 2 == 0 ? "ab " : "cd ");
        }
        String content = words.toString().trim();
        try (WireClient talker = WireClient.connect(engine, TestWorlds.user("una"));
                WireClient slow = WireClient.connect(engine, TestWorlds.user("una"),
                        InMemoryClient.Options.defaults().withReceiveWindow(1))) {
            talker.select("echo", "e");
            slow.select("echo", "e");
            talker.chat(content);
            // once the talker has the end, every step was queued for the slow client, whose sends are still pending
            JsonNode talkerEnd = talker.nextMatching(m -> isStep(m, "end"));
            String expected = "echo heard human: " + content;
            assertSame(talkerEnd.path("payload").path("content").asText(), expected);

            StringBuilder chunks = new StringBuilder();
            List<JsonNode> steps = slow.untilMatching(m -> isStep(m, "end") || isStep(m, "error"));
            steps.stream().filter(m -> isStep(m, "chunk"))
                    .forEach(m -> chunks.append(m.path("payload").path("content").asText()));
            JsonNode end = steps.get(steps.size() - 1);
            assertThat(end.path("payload").path("kind").asText()).isEqualTo("end");
            assertSame(end.path("payload").path("content").asText(), expected);
            assertSame(chunks.toString(), expected);
            slow.untilIdle();
            assertThat(slow.raw.isOpen()).as("the slow client is still connected").isTrue();
        }
    }

    @Test
    @DisplayName("an agent's replies are numbered by the replies it gave before, also after the world is reloaded")
    void repliesAreNumbered() {
        WorldWsEngine engine = start(builder());
        try (WireClient client = WireClient.connect(engine, TestWorlds.user("una"))) {
            client.select("counter", "c");
            List<String> replies = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                replies.add(replyTo(client, "hello " + i));
            }
            String reload = client.send("world_reload", Map.of());
            assertThat(client.nextMatching(m -> reload.equals(m.path("replyTo").asText())).path("payload")
                    .path("type").asText()).isEqualTo("world_reload_applied");
            replies.add(replyTo(client, "after the reload"));
            replies.add(replyTo(client, "once more"));

            // the offline responder picks its canned reply by the number: r0, r1, ... in turn
            assertThat(replies).containsExactly("r0", "r1", "r2", "r3", "r4");
        }
    }

    private static String replyTo(WireClient client, String content) {
        client.chat(content);
        String reply = client.nextMatching(m -> isStep(m, "end")).path("payload").path("content").asText();
        client.untilIdle();
        return reply;
    }

    @Test
    @DisplayName("default limits queue more messages than the bus replays on resume")
    void queueHoldsAFullResume() {
        assertThat(Limits.defaults().maxQueuedMessages()).as("a full replay and as much live traffic again")
                .isGreaterThan(2 * (EventBuses.DEFAULT_HISTORY_SIZE + 1));
    }

    @Test
    @DisplayName("a chunk the responder emits as its timeout fires never follows the reply's error")
    void noChunkAfterTheError() {
        CompletableFuture<ReplyListener> listener = new CompletableFuture<>();
        WorldWsEngine engine = start(builder().responder("failing", (request, chunks) -> {
            listener.complete(chunks);
            return new CompletableFuture<>();
        }));
        Thread responderThread = Thread.currentThread();
        // the responder's thread publishing a chunk is the moment the timeout fires; wait for its error step
        bus.beforePublish(event -> {
            if (Thread.currentThread() == responderThread && event instanceof StreamEvent step
                    && step.kind() == StreamEvent.Kind.CHUNK) {
                timeOut();
            }
            return event;
        });
        try (WireClient client = WireClient.connect(engine, TestWorlds.user("vera"))) {
            client.select("broken", "b");
            client.chat("@oracle are you there?");
            client.nextMatching(m -> isStep(m, "start"));

            listener.join().onChunk("thinking hard ");
            timeOut();
            listener.join().onChunk("and too late");

            client.chat("@fine still there?");
            List<JsonNode> messages = client.untilMatching(m -> isStep(m, "end"));
            List<String> oracleSteps = messages.stream()
                    .filter(m -> m.path("type").asText().equals("chat_response")
                            && m.path("payload").path("agentName").asText().equals("oracle"))
                    .map(m -> m.path("payload").path("kind").asText() + ":" + m.path("payload").path("content").asText())
                    .toList();
            assertThat(oracleSteps).hasSize(2);
            assertThat(oracleSteps.get(0)).isEqualTo("chunk:thinking hard ");
            assertThat(oracleSteps.get(1)).startsWith("error:");
        }
    }

    /** Equality of long texts, reported by length and first difference instead of two 18,000-character dumps. */
    private static void assertSame(String actual, String expected) {
        int differs = 0;
        while (differs < Math.min(actual.length(), expected.length())
                && actual.charAt(differs) == expected.charAt(differs)) {
            differs++;
        }
        assertThat(actual.equals(expected)).as("text of %s chars (expected %s) differs from index %s",
                actual.length(), expected.length(), differs).isTrue();
    }

    /** Advances past the reply timeout (again, if the reply's timer was set after an advance) until it failed. */
    private void timeOut() {
        Await.until("the error step is published", () -> {
            scheduler.advance(REPLY_TIMEOUT.plusSeconds(1));
            return bus.sequenced.stream().anyMatch(ReplyStreamingTest::isError);
        });
    }

    private static boolean isError(WorldEvent event) {
        return event instanceof StreamEvent step && step.kind() == StreamEvent.Kind.ERROR;
    }
}
