package dev.worldws.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.worldws.api.AgentId;
import dev.worldws.api.WorldKey;
import dev.worldws.api.spi.EventBus;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.api.world.Agent;
import dev.worldws.api.world.MemoryItem;
import dev.worldws.core.bus.EventBuses;
import dev.worldws.core.store.WorldStores;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("the engine")
class WorldWsEngineTest {
    private final List<WorldWsEngine> engines = new ArrayList<>();
    private final WorldStore store = WorldStores.inMemory(TestWorlds.templates(), Clock.systemUTC());
    private final EventBus bus = EventBuses.inProcess();

    private WorldWsEngineBuilder builder() {
        return WorldWsEngine.builder()
                .store(store)
                .eventBus(bus)
                .authenticator(TestWorlds.BY_HEADER)
                .limits(Limits.defaults().withRate(100_000, 100_000));
    }

    private WorldWsEngine engine() {
        return start(builder());
    }

    private WorldWsEngine start(WorldWsEngineBuilder configured) {
        WorldWsEngine engine = configured.build();
        engines.add(engine);
        return engine;
    }

    @AfterEach
    void closeEngines() {
        engines.forEach(WorldWsEngine::close);
        bus.close();
    }

    private static String type(JsonNode message) {
        return message.path("type").asText();
    }

    private static List<String> replies(List<JsonNode> messages) {
        return messages.stream()
                .filter(m -> type(m).equals("chat_response") && m.path("payload").path("kind").asText().equals("end"))
                .map(m -> m.path("payload").path("agentName").asText() + ": " + m.path("payload").path("content").asText())
                .toList();
    }

    private static List<Long> seqs(List<JsonNode> messages) {
        return messages.stream().filter(m -> m.has("seq")).map(m -> m.path("seq").asLong()).toList();
    }

    @Nested
    @DisplayName("runtimes and routing")
    class Routing {
        @Test
        @DisplayName("two users with the same template and world name never see each other's events")
        void usersAreIsolated() {
            WorldWsEngine engine = engine();
            try (WireClient alice = WireClient.connect(engine, TestWorlds.user("alice"));
                    WireClient bob = WireClient.connect(engine, TestWorlds.user("bob"))) {
                alice.select("garden", "shared");
                bob.select("garden", "shared");
                alice.chat("secret of alice");
                List<JsonNode> aliceSaw = alice.untilIdle();
                assertThat(replies(aliceSaw)).containsExactly("gardener: Hello human.", "poet: Hello human.");

                bob.chat("note of bob");
                List<JsonNode> bobSaw = new ArrayList<>(bob.untilIdle());
                assertThat(bobSaw.toString()).doesNotContain("secret of alice").contains("note of bob");
                // bob's world started its own sequence: his first event is seq 1
                assertThat(seqs(bobSaw).get(0)).isEqualTo(1L);
                assertThat(engine.stats().worldsLoaded()).isEqualTo(2);
            }
            Await.until("alice's memory is saved", () -> store.exists(WorldKey.of("alice", "shared"))
                    && memoryOf(WorldKey.of("alice", "shared"), "poet").contains("secret of alice"));
            assertThat(memoryOf(WorldKey.of("bob", "shared"), "poet")).doesNotContain("secret of alice");
        }

        @Test
        @DisplayName("one user with two connections sees every event on both, in the same order")
        void sameUserSharesTheRuntime() {
            WorldWsEngine engine = engine();
            try (WireClient first = WireClient.connect(engine, TestWorlds.user("carol"));
                    WireClient second = WireClient.connect(engine, TestWorlds.user("carol"))) {
                first.select("garden", "home");
                second.select("garden", "home");
                assertThat(engine.stats().worldsLoaded()).isEqualTo(1);
                assertThat(engine.connections(WorldKey.of("carol", "home"))).hasSize(2);
                first.chat("hello from one");
                List<JsonNode> onFirst = new ArrayList<>(first.untilIdle());
                List<JsonNode> onSecond = new ArrayList<>(second.untilIdle());
                second.chat("hello from two");
                onFirst.addAll(first.untilIdle());
                onSecond.addAll(second.untilIdle());
                List<Long> firstSeqs = seqs(onFirst);
                assertThat(firstSeqs).isEqualTo(seqs(onSecond)).isSorted().doesNotHaveDuplicates();
                assertThat(replies(onFirst)).hasSize(4).isEqualTo(replies(onSecond));
            }
        }

        @Test
        @DisplayName("1,000 chat messages leave the number of bus subscriptions unchanged")
        void noSubscriptionPerMessage() {
            WorldWsEngine engine = engine();
            try (WireClient client = WireClient.connect(engine, TestWorlds.user("dave"))) {
                client.select("workshop", "forge");
                int before = bus.activeSubscriptions();
                assertThat(before).isEqualTo(1);
                for (int i = 0; i < 1000; i++) {
                    client.chat("message " + i);
                    client.untilIdle();
                }
                assertThat(bus.activeSubscriptions()).isEqualTo(before);
                assertThat(engine.stats().busSubscriptions()).isEqualTo(1);
            }
            Await.until("the world is unloaded and its one subscription closed",
                    () -> engine.stats().worldsLoaded() == 0 && bus.activeSubscriptions() == 0);
        }

        @Test
        @DisplayName("event_subscribe narrows the stream by type, agent and chat; state changes still arrive")
        void filters() {
            WorldWsEngine engine = engine();
            try (WireClient client = WireClient.connect(engine, TestWorlds.user("erin"))) {
                client.select("garden", "g");
                String id = client.send("event_subscribe", Map.of("eventTypes", List.of("stream"),
                        "agentFilter", List.of("poet")));
                JsonNode ack = client.nextMatching(m -> id.equals(m.path("replyTo").asText()));
                assertThat(ack.path("payload").path("type").asText()).isEqualTo("subscribed");
                client.chat("hi");
                List<JsonNode> streamed = client.untilMatching(m -> m.path("payload").path("kind").asText().equals("end"));
                assertThat(streamed).allSatisfy(m -> {
                    if (!m.has("replyTo")) {
                        assertThat(type(m)).isEqualTo("chat_response");
                        assertThat(m.path("payload").path("agentName").asText()).isEqualTo("poet");
                    }
                });
                client.send("agent_update", Map.of("agentName", "gardener", "config", Map.of("name", "G")));
                JsonNode updated = client.nextOfType("agent_updated");
                assertThat(updated.path("payload").path("agent").path("name").asText()).isEqualTo("G");
            }
        }

        @Test
        @DisplayName("requests before world_select get world_not_selected; a missing template gets template_not_found")
        void errors() {
            WorldWsEngine engine = engine();
            try (WireClient client = WireClient.connect(engine, TestWorlds.user("fred"))) {
                String chat = client.send("chat_send", Map.of("content", "anyone?"));
                JsonNode error = client.next();
                assertThat(error.path("replyTo").asText()).isEqualTo(chat);
                assertThat(error.path("payload").path("code").asText()).isEqualTo("world_not_selected");

                String select = client.send("world_select", Map.of("templateName", "nowhere", "worldName", "x"));
                JsonNode missing = client.next();
                assertThat(missing.path("replyTo").asText()).isEqualTo(select);
                assertThat(missing.path("payload").path("code").asText()).isEqualTo("template_not_found");
                assertThat(store.exists(WorldKey.of("fred", "x"))).isFalse();

                client.select("garden", "x");
                String badAgent = client.send("agent_update", Map.of("agentName", "ghost", "config", Map.of("name", "G")));
                assertThat(client.nextMatching(m -> badAgent.equals(m.path("replyTo").asText()))
                        .path("payload").path("code").asText()).isEqualTo("agent_not_found");
            }
            Await.until("everything is released", () -> engine.stats().worldsLoaded() == 0);
        }

        @Test
        @DisplayName("an existing world is opened as it is, whatever template the request names")
        void existingWorldKeepsItsTemplate() {
            WorldWsEngine engine = engine();
            try (WireClient client = WireClient.connect(engine, TestWorlds.user("ulla"))) {
                JsonNode first = client.select("garden", "mine");
                assertThat(first.path("payload").path("created").asBoolean()).isTrue();
                JsonNode again = client.select("workshop", "mine");
                assertThat(again.path("payload").path("created").asBoolean()).isFalse();
                assertThat(again.path("payload").path("templateName").asText()).isEqualTo("garden");
                assertThat(again.path("payload").path("agents")).hasSize(2);
            }
        }

        @Test
        @DisplayName("two servers on one bus: only the node that accepted a message runs the replies")
        void onlyOriginReplies() {
            WorldWsEngine nodeA = start(builder().nodeId("node-a"));
            WorldWsEngine nodeB = start(builder().nodeId("node-b"));
            try (WireClient onA = WireClient.connect(nodeA, TestWorlds.user("gina"));
                    WireClient onB = WireClient.connect(nodeB, TestWorlds.user("gina"))) {
                onA.select("workshop", "w");
                onB.select("workshop", "w");
                onA.chat("hello cluster");
                List<JsonNode> seenOnB = onB.untilIdle();
                assertThat(replies(seenOnB)).containsExactly("smith: Hello human.");
                assertThat(replies(onA.untilIdle())).containsExactly("smith: Hello human.");
                onB.chat("second");
                assertThat(replies(onA.untilIdle())).hasSize(1);
                onB.untilIdle();

                onA.send("agent_update", Map.of("agentName", "smith", "config", Map.of("offlineReplies", List.of("from A"))));
                assertThat(onB.nextOfType("agent_updated").path("payload").path("agent").path("extra")
                        .path("offlineReplies").get(0).asText()).isEqualTo("from A");
                onB.chat("third, through B");
                assertThat(replies(onB.untilIdle())).as("node B applied node A's update").containsExactly("smith: from A");
            }
        }
    }

    private List<String> memoryOf(WorldKey key, String agent) {
        return store.load(key).agent(AgentId.of(agent)).orElseThrow().memory().stream()
                .map(MemoryItem::content).collect(Collectors.toList());
    }

    @Nested
    @DisplayName("agents")
    class Agents {
        @Test
        @DisplayName("replies stream start, chunks and end; memory is appended and persisted")
        void streamedAndRemembered() {
            WorldWsEngine engine = engine();
            try (WireClient client = WireClient.connect(engine, TestWorlds.user("hana"))) {
                client.select("workshop", "w");
                client.chat("first");
                List<JsonNode> messages = client.untilIdle();
                List<String> kinds = messages.stream().filter(m -> type(m).equals("chat_response"))
                        .map(m -> m.path("payload").path("kind").asText()).toList();
                assertThat(kinds).startsWith("start").endsWith("end").contains("chunk");
                client.chat("second");
                assertThat(replies(client.untilIdle())).containsExactly("smith: You said: second");
            }
            Await.until("memory is saved", () ->
                    memoryOf(WorldKey.of("hana", "w"), "smith").containsAll(List.of("first", "Hello human.", "second",
                            "You said: second")));
        }

        @Test
        @DisplayName("paragraph-start mentions pick the agents; mid-text mentions silence everybody")
        void mentions() {
            WorldWsEngine engine = engine();
            try (WireClient client = WireClient.connect(engine, TestWorlds.user("ivan"))) {
                client.select("garden", "g");
                client.chat("@poet write me a verse");
                assertThat(replies(client.untilIdle())).containsExactly("poet: Hello human.");
                client.chat("I wonder what @poet thinks");
                assertThat(replies(client.untilIdle())).isEmpty();
                client.chat("hello\n@gardener how are the roses?");
                assertThat(replies(client.untilIdle())).containsExactly("gardener: Hello human.");
            }
        }

        @Test
        @DisplayName("an inactive agent never answers")
        void inactive() {
            WorldWsEngine engine = engine();
            try (WireClient client = WireClient.connect(engine, TestWorlds.user("jo"))) {
                client.select("quiet", "q");
                client.chat("anyone awake?");
                assertThat(replies(client.untilIdle())).containsExactly("talker: hi human");
            }
        }

        @Test
        @DisplayName("agents that mention each other stop at the turn limit with '@human Turn limit reached'")
        void turnLimitEndsChains() {
            WorldWsEngine engine = engine();
            try (WireClient client = WireClient.connect(engine, TestWorlds.user("kim"))) {
                client.select("ping-pong", "p");
                client.chat("@a start");
                List<JsonNode> messages = client.untilIdle();
                assertThat(replies(messages)).containsExactly(
                        "a: @b ping", "b: @a pong", "a: @b ping", "b: @a pong", "a: @b ping", "b: @a pong");
                List<String> said = messages.stream()
                        .filter(m -> type(m).equals("event_stream") && m.path("payload").path("eventType").asText().equals("message"))
                        .map(m -> m.path("payload").path("event").path("sender").asText() + ": "
                                + m.path("payload").path("event").path("content").asText())
                        .toList();
                assertThat(said.get(said.size() - 1)).startsWith("a: @human Turn limit reached (3 LLM calls)");

                client.chat("@b your turn");
                List<JsonNode> again = client.untilIdle();
                assertThat(replies(again)).as("a human message resets the counts").startsWith("b: @a pong", "a: @b ping");
            }
        }

        @Test
        @DisplayName("a failing responder yields chat_response error and the world goes on")
        void failingResponder() {
            WorldWsEngine engine = start(builder().responder("failing", (request, listener) -> {
                listener.onChunk("thinking... ");
                return CompletableFuture.failedFuture(new IllegalStateException("model offline"));
            }));
            try (WireClient client = WireClient.connect(engine, TestWorlds.user("lee"))) {
                client.select("broken", "b");
                client.chat("hello");
                List<JsonNode> messages = client.untilIdle();
                JsonNode error = messages.stream().filter(m -> type(m).equals("chat_response")
                        && m.path("payload").path("kind").asText().equals("error")).findFirst().orElseThrow();
                assertThat(error.path("payload").path("agentName").asText()).isEqualTo("oracle");
                assertThat(error.path("payload").path("content").asText()).contains("model offline");
                assertThat(error.path("payload").path("complete").asBoolean()).isTrue();
                assertThat(replies(messages)).containsExactly("fine: still here");

                client.chat("@fine still there?");
                assertThat(replies(client.untilIdle())).containsExactly("fine: still here");
            }
        }

        @Test
        @DisplayName("a responder that throws is treated like one that fails")
        void throwingResponder() {
            WorldWsEngine engine = start(builder().responder("failing", (request, listener) -> {
                throw new IllegalArgumentException("bad prompt");
            }));
            try (WireClient client = WireClient.connect(engine, TestWorlds.user("max"))) {
                client.select("broken", "b");
                client.chat("@oracle speak");
                List<JsonNode> messages = client.untilIdle();
                assertThat(messages.stream().filter(m -> m.path("payload").path("kind").asText().equals("error")))
                        .singleElement().satisfies(m -> assertThat(m.path("payload").path("content").asText())
                                .contains("bad prompt"));
            }
        }
    }

    @Nested
    @DisplayName("agent updates and reloads")
    class Updates {
        @Test
        @DisplayName("agent_update reaches every connection of the world and the store")
        void updateReachesAll() {
            WorldWsEngine engine = engine();
            try (WireClient one = WireClient.connect(engine, TestWorlds.user("nina"));
                    WireClient two = WireClient.connect(engine, TestWorlds.user("nina"))) {
                one.select("workshop", "w");
                two.select("workshop", "w");
                String id = one.send("agent_update", Map.of("agentName", "smith", "config",
                        Map.of("name", "Master Smith", "systemPrompt", "Forge well.", "offlineReplies", List.of("Clang!"))));
                JsonNode onOne = one.nextOfType("agent_updated");
                JsonNode onTwo = two.nextOfType("agent_updated");
                assertThat(onOne.path("seq").asLong()).isEqualTo(onTwo.path("seq").asLong()).isPositive();
                assertThat(onTwo.path("payload").path("agent").path("name").asText()).isEqualTo("Master Smith");
                assertThat(onTwo.path("payload").path("updatedBy").asText()).isEqualTo(one.clientId());
                JsonNode ack = one.nextMatching(m -> id.equals(m.path("replyTo").asText()));
                assertThat(ack.path("payload").path("type").asText()).isEqualTo("agent_update_applied");
                Agent stored = store.load(WorldKey.of("nina", "w")).agent(AgentId.of("smith")).orElseThrow();
                assertThat(stored.config().name()).isEqualTo("Master Smith");
                assertThat(stored.systemPrompt()).isEqualTo("Forge well.");
                two.chat("hit it");
                assertThat(replies(two.untilIdle())).containsExactly("smith: Clang!");
            }
        }

        @Test
        @DisplayName("concurrent agent_updates from two connections: the last one wins everywhere")
        void concurrentUpdatesConverge() throws Exception {
            WorldWsEngine engine = engine();
            try (WireClient one = WireClient.connect(engine, TestWorlds.user("otto"));
                    WireClient two = WireClient.connect(engine, TestWorlds.user("otto"))) {
                one.select("workshop", "w");
                two.select("workshop", "w");
                int rounds = 50;
                CountDownLatch start = new CountDownLatch(1);
                Thread writerOne = new Thread(() -> {
                    await(start);
                    for (int i = 0; i < rounds; i++) {
                        one.send("agent_update", Map.of("agentName", "smith", "config", Map.of("name", "one-" + i)));
                    }
                });
                Thread writerTwo = new Thread(() -> {
                    await(start);
                    for (int i = 0; i < rounds; i++) {
                        two.send("agent_update", Map.of("agentName", "smith", "config", Map.of("name", "two-" + i)));
                    }
                });
                writerOne.start();
                writerTwo.start();
                start.countDown();
                writerOne.join();
                writerTwo.join();
                String lastOnOne = lastUpdate(one, 2 * rounds);
                String lastOnTwo = lastUpdate(two, 2 * rounds);
                assertThat(lastOnOne).isEqualTo(lastOnTwo);
                assertThat(store.load(WorldKey.of("otto", "w")).agent(AgentId.of("smith")).orElseThrow().config().name())
                        .isEqualTo(lastOnOne);
                String reload = one.send("world_reload", Map.of());
                JsonNode reloaded = one.nextOfType("world_reloaded");
                assertThat(reloaded.path("payload").path("agents").get(0).path("name").asText()).isEqualTo(lastOnOne);
                assertThat(one.nextMatching(m -> reload.equals(m.path("replyTo").asText())).path("payload").path("type")
                        .asText()).isEqualTo("world_reload_applied");
            }
        }

        private String lastUpdate(WireClient client, int count) {
            long highest = 0;
            String name = null;
            for (int seen = 0; seen < count; ) {
                JsonNode message = client.next();
                if (type(message).equals("agent_updated")) {
                    seen++;
                    assertThat(message.path("seq").asLong()).isGreaterThan(highest);
                    highest = message.path("seq").asLong();
                    name = message.path("payload").path("agent").path("name").asText();
                }
            }
            return name;
        }

        @Test
        @DisplayName("world_reload re-reads the store and tells every connection")
        void reload() {
            WorldWsEngine engine = engine();
            try (WireClient one = WireClient.connect(engine, TestWorlds.user("pia"));
                    WireClient two = WireClient.connect(engine, TestWorlds.user("pia"))) {
                one.select("workshop", "w");
                two.select("workshop", "w");
                WorldKey key = WorldKey.of("pia", "w");
                var world = store.load(key);
                Agent smith = world.agent(AgentId.of("smith")).orElseThrow();
                store.save(key, world.withAgent(smith.withSystemPrompt("edited on disk")));
                one.send("world_reload", Map.of());
                JsonNode onTwo = two.nextOfType("world_reloaded");
                assertThat(onTwo.path("payload").path("agents").get(0).path("systemPrompt").asText())
                        .isEqualTo("edited on disk");
                assertThat(onTwo.path("payload").path("reloadedBy").asText()).isEqualTo(one.clientId());
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Nested
    @DisplayName("resume")
    class Resume {
        @Test
        @DisplayName("resumeFrom within the window gets exactly the missed events, in order, with recovered true")
        void exact() {
            WorldWsEngine engine = engine();
            try (WireClient stay = WireClient.connect(engine, TestWorlds.user("quinn"))) {
                stay.select("garden", "g");
                long lastSeen;
                String epoch;
                try (WireClient leaving = WireClient.connect(engine, TestWorlds.user("quinn"))) {
                    JsonNode selected = leaving.select("garden", "g");
                    epoch = selected.path("payload").path("epoch").asText();
                    leaving.chat("before the drop");
                    List<JsonNode> seen = leaving.untilIdle();
                    lastSeen = seqs(seen).get(seqs(seen).size() - 1);
                    stay.untilIdle();
                }
                stay.chat("while you were away");
                List<Long> missed = seqs(stay.untilIdle());

                try (WireClient back = WireClient.connect(engine, TestWorlds.user("quinn"))) {
                    String id = back.send("world_select", Map.of("templateName", "garden", "worldName", "g",
                            "resumeFrom", lastSeen, "epoch", epoch));
                    JsonNode selected = back.next();
                    assertThat(selected.path("replyTo").asText()).isEqualTo(id);
                    assertThat(selected.path("payload").path("recovered").asBoolean()).isTrue();
                    List<JsonNode> replayed = new ArrayList<>();
                    for (int i = 0; i < missed.size(); i++) {
                        replayed.add(back.next());
                    }
                    assertThat(seqs(replayed)).isEqualTo(missed);
                    assertThat(replayed.toString()).contains("while you were away").doesNotContain("before the drop");
                    stay.chat("live again");
                    List<Long> live = seqs(stay.untilIdle());
                    assertThat(seqs(back.untilIdle())).isEqualTo(live);
                }
            }
        }

        @Test
        @DisplayName("resuming while the world is busy: replay and live events join without a gap or a duplicate")
        void resumeUnderLoad() throws Exception {
            // 31 messages make about 600 events, more than the default history of 256 keeps: the resume may come
            // after all of them, and what is tested here is joining replay to live, not the history's bound
            EventBus longHistory = EventBuses.inProcess(Clock.systemUTC(), 5_000, Duration.ofMinutes(2));
            WorldWsEngine engine = start(builder().eventBus(longHistory));
            try (WireClient chatter = WireClient.connect(engine, TestWorlds.user("sol"))) {
                chatter.select("garden", "busy");
                long lastSeen;
                String epoch;
                try (WireClient dropped = WireClient.connect(engine, TestWorlds.user("sol"))) {
                    epoch = dropped.select("garden", "busy").path("payload").path("epoch").asText();
                    chatter.chat("warm up");
                    List<Long> seen = seqs(dropped.untilIdle());
                    lastSeen = seen.get(seen.size() - 1);
                }
                Thread talk = new Thread(() -> {
                    for (int i = 0; i < 30; i++) {
                        chatter.send("chat_send", Map.of("content", "busy " + i));
                    }
                    chatter.send("chat_send", Map.of("content", "done"));
                });
                talk.start();
                try (WireClient back = WireClient.connect(engine, TestWorlds.user("sol"))) {
                    back.send("world_select", Map.of("templateName", "garden", "worldName", "busy",
                            "resumeFrom", lastSeen, "epoch", epoch));
                    JsonNode selected = back.next();
                    assertThat(selected.path("payload").path("recovered").asBoolean()).isTrue();
                    List<Long> received = new ArrayList<>();
                    while (true) {
                        JsonNode message = back.next();
                        received.add(message.path("seq").asLong());
                        if (message.path("payload").path("event").path("content").asText().equals("done")) {
                            break;
                        }
                    }
                    talk.join();
                    List<Long> expected = new ArrayList<>();
                    for (long seq = lastSeen + 1; seq <= received.get(received.size() - 1); seq++) {
                        expected.add(seq);
                    }
                    assertThat(received).isEqualTo(expected);
                }
            } finally {
                longHistory.close();
            }
        }

        @Test
        @DisplayName("when the missed events are gone: a fresh snapshot with recovered false, never a silent gap")
        void gone() {
            EventBus shortHistory = EventBuses.inProcess(Clock.systemUTC(), 5, Duration.ofMinutes(2));
            WorldWsEngine engine = start(builder().eventBus(shortHistory));
            try (WireClient client = WireClient.connect(engine, TestWorlds.user("rita"))) {
                JsonNode selected = client.select("garden", "g");
                String epoch = selected.path("payload").path("epoch").asText();
                client.chat("one");
                client.untilIdle();
                client.chat("two");
                client.untilIdle();
                try (WireClient late = WireClient.connect(engine, TestWorlds.user("rita"))) {
                    late.send("world_select", Map.of("templateName", "garden", "worldName", "g", "resumeFrom", 1,
                            "epoch", epoch));
                    JsonNode snapshot = late.next();
                    assertThat(snapshot.path("payload").path("recovered").asBoolean(true)).isFalse();
                    assertThat(snapshot.path("payload").path("seq").asLong()).isGreaterThan(5);
                    assertThat(snapshot.path("payload").path("agents")).hasSize(2);
                }
                try (WireClient otherEpoch = WireClient.connect(engine, TestWorlds.user("rita"))) {
                    otherEpoch.send("world_select", Map.of("templateName", "garden", "worldName", "g",
                            "resumeFrom", 1, "epoch", "some-other-epoch"));
                    assertThat(otherEpoch.next().path("payload").path("recovered").asBoolean(true)).isFalse();
                }
            } finally {
                shortHistory.close();
            }
        }
    }
}
