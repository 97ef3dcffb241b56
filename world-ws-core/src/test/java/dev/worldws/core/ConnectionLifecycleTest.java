package dev.worldws.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.worldws.api.TemplateName;
import dev.worldws.api.UserId;
import dev.worldws.api.WorldKey;
import dev.worldws.api.WorldName;
import dev.worldws.api.protocol.CloseCodes;
import dev.worldws.api.spi.Handshake;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.api.world.World;
import dev.worldws.core.store.WorldStores;
import dev.worldws.core.transport.InMemoryClient;
import dev.worldws.testkit.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("connection lifecycle and limits")
class ConnectionLifecycleTest {
    private final ManualClock clock = ManualClock.startingAtEpochOf2026();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final WorldStore store = WorldStores.inMemory(TestWorlds.templates(), clock);
    private final List<WorldWsEngine> engines = new ArrayList<>();

    private WorldWsEngineBuilder builder() {
        return WorldWsEngine.builder().store(store).clock(clock).scheduler(scheduler)
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
    }

    private static String code(JsonNode message) {
        return message.path("payload").path("code").asText();
    }

    private static int closeCode(InMemoryClient client) throws Exception {
        return client.closed().toCompletableFuture().get(10, TimeUnit.SECONDS).code();
    }

    @Nested
    @DisplayName("heartbeat")
    class Heartbeats {
        @Test
        @DisplayName("a silent peer that does not answer pings is closed with 4408 after interval + timeout")
        void deadPeerClosed() throws Exception {
            WorldWsEngine engine = start(builder().heartbeat(Heartbeat.defaults()));
            WireClient dead = WireClient.connect(engine, Handshake.empty(),
                    InMemoryClient.Options.defaults().withAnswerPings(false));
            WireClient alive = WireClient.connect(engine, Handshake.empty());
            assertThat(dead.connected.path("payload").path("heartbeatIntervalMillis").asLong()).isEqualTo(25_000);

            scheduler.advance(Duration.ofSeconds(26));
            assertThat(dead.raw.pingsReceived()).isEqualTo(1);
            assertThat(dead.raw.isOpen()).isTrue();

            scheduler.advance(Duration.ofSeconds(20));
            assertThat(closeCode(dead.raw)).isEqualTo(CloseCodes.HEARTBEAT_TIMEOUT);
            assertThat(alive.raw.isOpen()).as("a peer answering pings stays").isTrue();
            Await.until("the dead connection is cleaned up", () -> engine.stats().connections() == 1);

            scheduler.advance(Duration.ofMinutes(5));
            assertThat(alive.raw.isOpen()).isTrue();
            assertThat(alive.raw.pingsReceived()).isGreaterThan(5);
        }

        @Test
        @DisplayName("app-level ping gets pong and counts as a sign of life")
        void appLevelPing() throws Exception {
            WorldWsEngine engine = start(builder().heartbeat(Heartbeat.of(Duration.ofSeconds(10), Duration.ofSeconds(5))));
            WireClient client = WireClient.connect(engine, Handshake.empty(),
                    InMemoryClient.Options.defaults().withAnswerPings(false));
            for (int i = 0; i < 6; i++) {
                scheduler.advance(Duration.ofSeconds(8));
                String id = client.send("ping", Map.of());
                JsonNode pong = client.nextMatching(m -> m.path("type").asText().equals("pong"));
                assertThat(pong.path("replyTo").asText()).isEqualTo(id);
            }
            assertThat(client.raw.isOpen()).isTrue();
            scheduler.advance(Duration.ofSeconds(16));
            assertThat(closeCode(client.raw)).isEqualTo(CloseCodes.HEARTBEAT_TIMEOUT);
        }
    }

    @Nested
    @DisplayName("limits")
    class LimitsTests {
        @Test
        @DisplayName("excess messages get rate_limited; the bucket refills with time")
        void rateLimited() {
            WorldWsEngine engine = start(builder().limits(Limits.defaults().withRate(1, 5)));
            WireClient client = WireClient.connect(engine, Handshake.empty());
            List<String> outcomes = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String id = client.send("ping", Map.of());
                JsonNode reply = client.next();
                assertThat(reply.path("replyTo").asText()).isEqualTo(id);
                outcomes.add(reply.path("type").asText().equals("pong") ? "pong" : code(reply));
            }
            assertThat(outcomes).containsExactly("pong", "pong", "pong", "pong", "pong",
                    "rate_limited", "rate_limited", "rate_limited");
            clock.advance(Duration.ofSeconds(2));
            client.send("ping", Map.of());
            assertThat(client.next().path("type").asText()).isEqualTo("pong");
        }

        @Test
        @DisplayName("sustained flooding is closed with 1008 POLICY_VIOLATION")
        void floodClosed() throws Exception {
            WorldWsEngine engine = start(builder().limits(Limits.defaults().withRate(1, 5).withMaxRejectedInARow(10)));
            WireClient client = WireClient.connect(engine, Handshake.empty());
            for (int i = 0; i < 15 && client.raw.isOpen(); i++) {
                client.raw.send("{\"type\":\"ping\"}");
            }
            assertThat(closeCode(client.raw)).isEqualTo(CloseCodes.POLICY_VIOLATION);
            Await.until("the connection is cleaned up", () -> engine.stats().connections() == 0);
        }

        @Test
        @DisplayName("sending steadily at twice the rate is closed with 1008 once the window holds too many rejections")
        void sustainedAbuseClosed() throws Exception {
            WorldWsEngine engine = start(builder().limits(Limits.defaults().withRate(1, 1).withMaxRejectedInARow(1000)
                    .withMaxRejectedInWindow(10, Duration.ofSeconds(10))));
            WireClient client = WireClient.connect(engine, Handshake.empty());
            List<String> outcomes = new ArrayList<>();
            for (int second = 0; second < 10; second++) {
                clock.advance(Duration.ofSeconds(1));
                client.raw.send("{\"type\":\"ping\"}");
                outcomes.add(client.next().path("type").asText());
                client.raw.send("{\"type\":\"ping\"}");
                if (second < 9) {
                    outcomes.add(code(client.next()));
                }
            }
            assertThat(outcomes).as("throttled, never two rejections in a row, until the tenth within 10 s")
                    .hasSize(19).containsOnly("pong", "rate_limited");
            assertThat(closeCode(client.raw)).isEqualTo(CloseCodes.POLICY_VIOLATION);
            Await.until("the connection is cleaned up", () -> engine.stats().connections() == 0);
        }

        @Test
        @DisplayName("occasional rejections spread wider than the window never close the connection")
        void occasionalRejectionsTolerated() {
            WorldWsEngine engine = start(builder().limits(Limits.defaults().withRate(1, 1)
                    .withMaxRejectedInWindow(10, Duration.ofSeconds(10))));
            WireClient client = WireClient.connect(engine, Handshake.empty());
            int rejected = 0;
            for (int round = 0; round < 25; round++) {
                clock.advance(Duration.ofSeconds(2)); // one token back (the bucket holds one)
                client.raw.send("{\"type\":\"ping\"}");
                assertThat(client.next().path("type").asText()).isEqualTo("pong");
                client.raw.send("{\"type\":\"ping\"}");
                assertThat(code(client.next())).isEqualTo("rate_limited");
                rejected++;
            }
            assertThat(rejected).isEqualTo(25);
            assertThat(client.raw.isOpen()).as("5 rejections per 10 s stay under the limit of 10").isTrue();
        }

        @Test
        @DisplayName("a frame over the limit gets message_too_large; binary frames get unsupported_frame")
        void frames() {
            WorldWsEngine engine = start(builder().limits(Limits.defaults().withMaxMessageBytes(1024)));
            WireClient client = WireClient.connect(engine, Handshake.empty());
            assertThat(client.connected.path("payload").path("maxMessageBytes").asInt()).isEqualTo(1024);
            client.raw.send("{\"type\":\"chat_send\",\"payload\":{\"content\":\"" + "é".repeat(600) + "\"}}");
            assertThat(code(client.next())).isEqualTo("message_too_large");
            client.raw.sendBinary(new byte[16]);
            assertThat(code(client.next())).isEqualTo("unsupported_frame");
            assertThat(engine.stats().errors()).isEqualTo(2);
        }

        @Test
        @DisplayName("a slow consumer is closed with 4409 while the other connections of its world get everything")
        void slowConsumer() throws Exception {
            WorldWsEngine engine = start(builder().limits(Limits.defaults().withRate(10_000, 10_000)
                    .withOutboundQueue(40, 1 << 20)));
            WireClient slow = WireClient.connect(engine, TestWorlds.user("sam"),
                    InMemoryClient.Options.defaults().withReceiveWindow(1));
            WireClient fast = WireClient.connect(engine, TestWorlds.user("sam"));
            slow.select("garden", "g");
            fast.select("garden", "g");
            for (int i = 0; i < 10; i++) {
                fast.chat("message " + i);
                assertThat(fast.untilIdle()).isNotEmpty();
            }
            assertThat(closeCode(slow.raw)).isEqualTo(CloseCodes.SLOW_CONSUMER);
            assertThat(engine.stats().dropped()).isPositive();
            Await.until("the slow connection is cleaned up", () -> engine.stats().connections() == 1);
            assertThat(engine.connections(WorldKey.of("sam", "g"))).hasSize(1);
        }

        @Test
        @DisplayName("one send in flight: queued bytes are counted exactly and drain to zero")
        void oneSendInFlight() throws Exception {
            WorldWsEngine engine = start(builder().limits(Limits.defaults().withRate(10_000, 10_000)));
            WireClient client = WireClient.connect(engine, TestWorlds.user("tess"),
                    InMemoryClient.Options.defaults().withReceiveWindow(1));
            // a window of one: the first pong is delivered, the second is in flight, the rest wait in the engine
            for (int i = 0; i < 5; i++) {
                client.raw.send("{\"type\":\"ping\",\"id\":\"p" + i + "\"}");
            }
            String clientId = client.clientId();
            long queued = engine.connection(clientId).orElseThrow().queuedBytes();
            int pong = ("{\"type\":\"pong\",\"replyTo\":\"p0\",\"timestamp\":\"" + clock.instant() + "\",\"payload\":{}}")
                    .length();
            assertThat(queued).isEqualTo(4L * pong);
            for (int i = 0; i < 5; i++) {
                assertThat(client.next().path("replyTo").asText()).isEqualTo("p" + i);
            }
            Await.until("the queue drains", () -> engine.connection(clientId).orElseThrow().queuedBytes() == 0);
        }

        @Test
        @DisplayName("a store that blocks never blocks the transport thread")
        void blockedStoreDoesNotBlockTransport() throws Exception {
            CountDownLatch release = new CountDownLatch(1);
            WorldStore slowStore = new BlockingStore(store, release);
            WorldWsEngine engine = start(builder().store(slowStore));
            WireClient client = WireClient.connect(engine, TestWorlds.user("uma"));
            String select = client.send("world_select", Map.of("templateName", "garden", "worldName", "g"));
            String ping = client.send("ping", Map.of());
            JsonNode first = client.next();
            assertThat(first.path("replyTo").asText()).as("pong overtakes the blocked world_select").isEqualTo(ping);
            release.countDown();
            assertThat(client.next().path("replyTo").asText()).isEqualTo(select);
        }
    }

    @Test
    @DisplayName("a connection that closes while its world is loading leaves nothing loaded")
    void closeWhileLoading() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        WorldWsEngine engine = start(builder().store(new BlockingStore(store, release)));
        WireClient client = WireClient.connect(engine, TestWorlds.user("abe"));
        client.send("world_select", Map.of("templateName", "garden", "worldName", "g"));
        Await.until("the runtime is being loaded", () -> engine.stats().worldsLoaded() == 1);
        client.close();
        release.countDown();
        Await.until("the runtime is released", () -> engine.stats().worldsLoaded() == 0
                && engine.stats().busSubscriptions() == 0);
        assertThat(engine.stats().connections()).isZero();
    }

    @Test
    @DisplayName("statistics count frames and UTF-8 bytes in both directions")
    void statistics() throws Exception {
        WorldWsEngine engine = start(builder());
        InMemoryClient client = dev.worldws.core.transport.InMemoryTransport.connect(engine);
        String connected = client.poll(Duration.ofSeconds(10));
        String ping = "{\"type\":\"ping\",\"id\":\"\u00e9\"}";
        client.send(ping);
        String pong = client.poll(Duration.ofSeconds(10));
        Await.until("the pong is counted", () -> engine.stats().messagesOut() == 2);
        EngineStats stats = engine.stats();
        assertThat(stats.connections()).isEqualTo(1);
        assertThat(stats.messagesIn()).isEqualTo(1);
        assertThat(stats.bytesIn()).isEqualTo(ping.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        assertThat(stats.bytesOut()).isEqualTo(connected.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                + pong.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        assertThat(stats.errors()).isZero();
    }

    /** A store whose reads wait for a latch. */
    private static final class BlockingStore implements WorldStore {
        private final WorldStore delegate;
        private final CountDownLatch release;

        BlockingStore(WorldStore delegate, CountDownLatch release) {
            this.delegate = delegate;
            this.release = release;
        }

        private void block() {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override public List<TemplateName> listTemplates() { return delegate.listTemplates(); }
        @Override public boolean templateExists(TemplateName t) { return delegate.templateExists(t); }
        @Override public World loadTemplate(TemplateName t) { return delegate.loadTemplate(t); }
        @Override public void createUserSpace(UserId u) { delegate.createUserSpace(u); }
        @Override public List<UserId> listUsers() { return delegate.listUsers(); }
        @Override public void deleteUserSpace(UserId u) { delegate.deleteUserSpace(u); }
        @Override public World cloneFromTemplate(TemplateName t, WorldKey k) { block(); return delegate.cloneFromTemplate(t, k); }
        @Override public World load(WorldKey k) { block(); return delegate.load(k); }
        @Override public void save(WorldKey k, World w) { delegate.save(k, w); }
        @Override public List<WorldName> listWorlds(UserId u) { return delegate.listWorlds(u); }
        @Override public boolean exists(WorldKey k) { block(); return delegate.exists(k); }
        @Override public boolean delete(WorldKey k) { return delegate.delete(k); }
    }

    @Nested
    @DisplayName("anonymous users")
    class Anonymous {
        @Test
        @DisplayName("a resume token restores the identity within the grace period; after it the worlds are gone")
        void graceAndResume() throws Exception {
            WorldWsEngine engine = start(builder().anonymousGracePeriod(Duration.ofMinutes(5)));
            WireClient first = WireClient.connect(engine, Handshake.empty());
            String user = first.userId();
            String token = first.connected.path("payload").path("resumeToken").asText();
            assertThat(user).matches("anon-[0-9a-f-]{36}");
            first.select("garden", "g");
            first.chat("remember me");
            first.untilIdle();
            first.close();

            scheduler.advance(Duration.ofMinutes(4));
            WireClient second = WireClient.connect(engine, TestWorlds.resume(token));
            assertThat(second.userId()).isEqualTo(user);
            JsonNode selected = second.select("garden", "g");
            assertThat(selected.path("payload").path("created").asBoolean()).as("the old world is back").isFalse();
            second.close();

            WorldKey key = new WorldKey(UserId.of(user), WorldName.of("g"));
            Await.until("the world is saved and unloaded", () -> engine.stats().worldsLoaded() == 0);
            scheduler.advance(Duration.ofMinutes(4));
            assertThat(store.exists(key)).as("still within the grace period").isTrue();
            scheduler.advance(Duration.ofMinutes(2));
            Await.until("the anonymous user's worlds are deleted", () -> !store.exists(key));
            assertThat(store.listWorlds(UserId.of(user))).isEmpty();

            WireClient third = WireClient.connect(engine, TestWorlds.resume(token));
            assertThat(third.userId()).as("a token past the grace period gets a new identity").isNotEqualTo(user);
        }

        @Test
        @DisplayName("forged or altered resume tokens are ignored")
        void forgedTokens() {
            WorldWsEngine engine = start(builder());
            WireClient first = WireClient.connect(engine, Handshake.empty());
            String token = first.connected.path("payload").path("resumeToken").asText();
            String tampered = token.substring(0, token.length() - 2) + (token.endsWith("A") ? "BB" : "AA");
            assertThat(WireClient.connect(engine, TestWorlds.resume(tampered)).userId()).isNotEqualTo(first.userId());
            assertThat(WireClient.connect(engine, TestWorlds.resume("garbage")).userId()).isNotEqualTo(first.userId());
            WorldWsEngine other = start(builder());
            assertThat(WireClient.connect(other, TestWorlds.resume(token)).userId())
                    .as("another engine's secret").isNotEqualTo(first.userId());
        }

        @Test
        @DisplayName("known users' worlds stay after they leave")
        void knownUsersStay() {
            WorldWsEngine engine = start(builder().anonymousGracePeriod(Duration.ZERO));
            WireClient client = WireClient.connect(engine, TestWorlds.user("vera"));
            assertThat(client.connected.path("payload").has("resumeToken")).isFalse();
            client.select("garden", "g");
            client.close();
            Await.until("unloaded", () -> engine.stats().worldsLoaded() == 0);
            scheduler.advance(Duration.ofHours(1));
            assertThat(store.exists(WorldKey.of("vera", "g"))).isTrue();
        }

        @Test
        @DisplayName("a world selected with persistent false is deleted when its last connection leaves")
        void temporaryWorld() {
            WorldWsEngine engine = start(builder());
            WireClient client = WireClient.connect(engine, TestWorlds.user("walt"));
            String id = client.send("world_select", Map.of("templateName", "garden", "worldName", "scratch",
                    "persistent", false));
            assertThat(client.nextMatching(m -> id.equals(m.path("replyTo").asText())).path("type").asText())
                    .isEqualTo("world_selected");
            assertThat(store.exists(WorldKey.of("walt", "scratch"))).isTrue();
            client.close();
            Await.until("the temporary world is deleted", () -> !store.exists(WorldKey.of("walt", "scratch")));
        }
    }

    @Test
    @DisplayName("a reply that never comes ends with chat_response error after the reply timeout; the world goes on")
    void replyTimeout() {
        WorldWsEngine engine = start(builder().replyTimeout(Duration.ofMinutes(2))
                .responder("failing", (request, listener) -> new java.util.concurrent.CompletableFuture<>()));
        WireClient client = WireClient.connect(engine, TestWorlds.user("yuri"));
        client.select("broken", "b");
        client.chat("@oracle are you there?");
        JsonNode start = client.nextMatching(m -> m.path("payload").path("kind").asText().equals("start"));
        assertThat(start.path("payload").path("agentName").asText()).isEqualTo("oracle");
        Await.until("the reply timeout is scheduled next to the heartbeat", () -> scheduler.pending() == 2);
        scheduler.advance(Duration.ofMinutes(2));
        JsonNode error = client.nextMatching(m -> m.path("payload").path("kind").asText().equals("error"));
        assertThat(error.path("payload").path("content").asText()).contains("no reply within 120 s");
        client.untilIdle();
        client.chat("@fine and you?");
        List<String> ends = client.untilIdle().stream()
                .filter(m -> m.path("payload").path("kind").asText().equals("end"))
                .map(m -> m.path("payload").path("content").asText()).toList();
        assertThat(ends).containsExactly("still here");
    }

    @Test
    @DisplayName("beyond maxConnections new connections are closed with 1013")
    void maxConnections() throws Exception {
        WorldWsEngine engine = start(builder().limits(Limits.defaults().withMaxConnections(2)));
        WireClient.connect(engine, Handshake.empty());
        WireClient.connect(engine, Handshake.empty());
        InMemoryClient third = dev.worldws.core.transport.InMemoryTransport.connect(engine);
        assertThat(closeCode(third)).isEqualTo(CloseCodes.TRY_AGAIN_LATER);
        assertThat(engine.stats().connections()).isEqualTo(2);
    }

    @Test
    @DisplayName("selecting another world leaves the first: its events stop and it is unloaded")
    void switchingWorlds() {
        WorldWsEngine engine = start(builder().limits(Limits.defaults().withRate(1000, 1000)));
        WireClient mover = WireClient.connect(engine, TestWorlds.user("zoe"));
        WireClient stayer = WireClient.connect(engine, TestWorlds.user("zoe"));
        mover.select("garden", "first");
        stayer.select("workshop", "second");
        mover.select("workshop", "second");
        Await.until("the first world is unloaded", () -> engine.stats().worldsLoaded() == 1);
        assertThat(engine.connection(mover.clientId()).orElseThrow().selectedWorld())
                .contains(WorldKey.of("zoe", "second"));
        stayer.chat("both of us?");
        assertThat(mover.untilIdle().toString()).contains("both of us?");
    }

    @Test
    @DisplayName("shutdown tells clients, closes them with 1001 and saves their worlds")
    void shutdown() throws Exception {
        WorldWsEngine engine = start(builder());
        WireClient client = WireClient.connect(engine, TestWorlds.user("xena"));
        client.select("workshop", "w");
        client.chat("last words");
        client.untilIdle();
        engine.shutdown(Duration.ZERO).toCompletableFuture().get(10, TimeUnit.SECONDS);
        JsonNode notice = client.nextOfType("status");
        assertThat(notice.path("payload").path("type").asText()).isEqualTo("server_shutdown");
        assertThat(closeCode(client.raw)).isEqualTo(CloseCodes.GOING_AWAY);
        assertThat(store.load(WorldKey.of("xena", "w")).agents().get(0).memory().toString()).contains("last words");
    }
}
