package dev.worldws.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.worldws.tyrus.client.ReconnectPolicy;
import dev.worldws.tyrus.client.ServerFrame;
import dev.worldws.tyrus.client.WorldWsClient;
import dev.worldws.tyrus.client.WorldWsClientException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("WorldWsClient against the real server")
class WorldWsClientTest {
    private static final ReconnectPolicy FAST = new ReconnectPolicy(Duration.ofMillis(50), Duration.ofMillis(400), 0);

    @TempDir
    Path dataDir;
    private ReferenceServer server;
    private final List<WorldWsClient> clients = new ArrayList<>();
    private final BlockingQueue<ServerFrame> events = new LinkedBlockingQueue<>();
    private final BlockingQueue<ServerFrame> chunks = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() {
        server = ReferenceServer.start(config(0));
    }

    private ServerConfig config(int port) {
        return ServerConfig.local(port, dataDir).withJwtSecret(EndToEndTest.SECRET);
    }

    @AfterEach
    void stop() {
        clients.forEach(WorldWsClient::close);
        server.close();
    }

    private WorldWsClient client(String user) {
        WorldWsClient.Builder builder = WorldWsClient.builder(server.webSocketUri()).reconnect(FAST)
                .requestTimeout(Duration.ofSeconds(5));
        if (user != null) {
            builder.token(EndToEndTest.token(user));
        }
        WorldWsClient client = builder.build().onEvent(events::add).onChatResponse(chunks::add);
        clients.add(client);
        return client;
    }

    private static ServerFrame next(BlockingQueue<ServerFrame> queue, Predicate<ServerFrame> match) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            ServerFrame frame = queue.poll(100, TimeUnit.MILLISECONDS);
            if (frame != null && match.test(frame)) {
                return frame;
            }
        }
        throw new AssertionError("timed out waiting for a matching message");
    }

    private static boolean idle(ServerFrame frame) {
        return frame.is("event_stream") && frame.payload().path("event").path("type").asText().equals("idle");
    }

    @Test
    @DisplayName("typed requests complete with their replies and agent replies stream to the chunk listener")
    void conversation() throws Exception {
        WorldWsClient client = client("alice");
        ServerFrame connected = client.connect().get(5, TimeUnit.SECONDS);
        assertThat(connected.text("userId")).hasValue("alice");

        ServerFrame selected = client.selectWorld("coffee-shop", "talk").get(5, TimeUnit.SECONDS);
        assertThat(selected.type()).isEqualTo("world_selected");
        assertThat(selected.payload().path("agents")).hasSize(3);

        ServerFrame accepted = client.chat("@barista one flat white please").get(5, TimeUnit.SECONDS);
        assertThat(accepted.type()).isEqualTo("status");
        assertThat(next(chunks, f -> f.text("kind").orElse("").equals("start")).text("agentName")).hasValue("barista");
        ServerFrame end = next(chunks, f -> f.text("kind").orElse("").equals("end"));
        assertThat(end.text("content").orElse("")).isNotBlank();
        assertThat(end.seq()).isPositive();
        assertThat(client.lastSeq()).isGreaterThanOrEqualTo(end.seq());

        assertThat(client.ping().get(5, TimeUnit.SECONDS).type()).isEqualTo("pong");
    }

    @Test
    @DisplayName("a later connection of the same user gets the conversation with its world and can page back through it")
    void history() throws Exception {
        WorldWsClient first = client("carol");
        first.connect().get(5, TimeUnit.SECONDS);
        first.selectWorld("coffee-shop", "diary").get(5, TimeUnit.SECONDS);
        first.chat("@barista first order").get(5, TimeUnit.SECONDS);
        next(events, WorldWsClientTest::idle);
        first.chat("@barista second order").get(5, TimeUnit.SECONDS);
        next(events, WorldWsClientTest::idle);

        WorldWsClient later = client("carol");
        later.connect().get(5, TimeUnit.SECONDS);
        ServerFrame selected = later.selectWorld("coffee-shop", "diary").get(5, TimeUnit.SECONDS);
        List<String> contents = new ArrayList<>();
        selected.payload().path("history").forEach(message -> contents.add(message.path("content").asText()));
        assertThat(contents).containsSubsequence("@barista first order", "@barista second order");

        String newest = selected.payload().path("history").get(contents.size() - 1).path("messageId").asText();
        ServerFrame page = later.chatHistory(null, newest, 200).get(5, TimeUnit.SECONDS);
        assertThat(page.type()).isEqualTo("chat_history");
        List<String> earlier = new ArrayList<>();
        page.payload().path("messages").forEach(message -> earlier.add(message.path("content").asText()));
        assertThat(earlier).isEqualTo(contents.subList(0, contents.size() - 1));
    }

    @Test
    @DisplayName("an agent update by one client reaches the other client of the same user as an event")
    void sharedWorld() throws Exception {
        WorldWsClient first = client("erin");
        BlockingQueue<ServerFrame> secondEvents = new LinkedBlockingQueue<>();
        WorldWsClient second = WorldWsClient.builder(server.webSocketUri()).token(EndToEndTest.token("erin"))
                .build().onEvent(secondEvents::add);
        clients.add(second);
        first.connect().get(5, TimeUnit.SECONDS);
        second.connect().get(5, TimeUnit.SECONDS);
        first.selectWorld("coffee-shop", "shared").get(5, TimeUnit.SECONDS);
        second.selectWorld("coffee-shop", "shared").get(5, TimeUnit.SECONDS);
        first.updateAgent("pastry-chef", java.util.Map.of("systemPrompt", "Only croissants today.")).get(5, TimeUnit.SECONDS);
        ServerFrame updated = next(secondEvents, f -> f.is("agent_updated"));
        assertThat(updated.text("agentName")).hasValue("pastry-chef");
        assertThat(updated.payload().path("agent").path("systemPrompt").asText()).isEqualTo("Only croissants today.");
    }

    @Test
    @DisplayName("a request the server refuses fails with its error code and the request id")
    void typedError() throws Exception {
        WorldWsClient client = client("alice");
        client.connect().get(5, TimeUnit.SECONDS);
        assertThatThrownBy(() -> client.selectWorld("no-such-template", "w").join())
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(WorldWsClientException.class, e -> {
                    assertThat(e.code()).isEqualTo("template_not_found");
                    assertThat(e.requestId()).isNotBlank();
                });
        assertThatThrownBy(() -> client.chat("nobody selected a world").join())
                .cause().isInstanceOfSatisfying(WorldWsClientException.class,
                        e -> assertThat(e.code()).isEqualTo("world_not_selected"));
    }

    @Test
    @DisplayName("a refused token fails connect with unauthorized and does not retry")
    void refusedToken() {
        WorldWsClient client = WorldWsClient.builder(server.webSocketUri()).token("forged.token.value")
                .reconnect(FAST).build();
        clients.add(client);
        assertThatThrownBy(() -> client.connect().get(5, TimeUnit.SECONDS))
                .cause().isInstanceOfSatisfying(WorldWsClientException.class,
                        e -> assertThat(e.code()).isEqualTo("unauthorized"));
        assertThat(client.state()).isEqualTo(WorldWsClient.State.CLOSED);
    }

    @Test
    @DisplayName("after a server restart mid-conversation it reconnects, re-selects its world and goes on")
    void survivesRestart() throws Exception {
        WorldWsClient client = client("bob");
        BlockingQueue<WorldWsClient.State> states = new LinkedBlockingQueue<>();
        client.onStateChange(states::add);
        client.connect().get(5, TimeUnit.SECONDS);
        client.selectWorld("coffee-shop", "long-talk").get(5, TimeUnit.SECONDS);
        client.chat("@barista first order").get(5, TimeUnit.SECONDS);
        next(events, WorldWsClientTest::idle);
        long seenBefore = client.lastSeq();

        int port = server.port();
        server.shutdown(Duration.ofMillis(100));
        assertThat(next(events, f -> f.is("status")).text("type")).hasValue("server_shutdown");
        server = ReferenceServer.start(config(port));

        ServerFrame resumed = next(events, f -> f.is("world_selected"));
        assertThat(resumed.text("worldName")).hasValue("long-talk");
        assertThat(resumed.payload().path("created").asBoolean()).isFalse();
        assertThat(resumed.payload().has("recovered")).as("resumed with resumeFrom %s", seenBefore).isTrue();
        assertThat(states).contains(WorldWsClient.State.RECONNECTING, WorldWsClient.State.OPEN);

        chunks.clear();
        client.chat("@barista second order").get(5, TimeUnit.SECONDS);
        assertThat(next(chunks, f -> f.text("kind").orElse("").equals("end")).text("agentName")).hasValue("barista");
    }

    @Test
    @DisplayName("close stops reconnecting and fails what is still pending")
    void cleanClose() throws Exception {
        WorldWsClient client = client("carol");
        client.connect().get(5, TimeUnit.SECONDS);
        client.close();
        assertThat(client.state()).isEqualTo(WorldWsClient.State.CLOSED);
        assertThatThrownBy(() -> client.ping().join())
                .cause().isInstanceOfSatisfying(WorldWsClientException.class,
                        e -> assertThat(e.code()).isIn(WorldWsClientException.CLOSED, WorldWsClientException.NOT_CONNECTED));
        Wire.await("the server sees the close", () -> server.engine().stats().connections() == 0);
    }

    @Test
    @DisplayName("backoff doubles up to its cap and every wait is drawn from the whole range (full jitter)")
    void backoff() {
        ReconnectPolicy policy = ReconnectPolicy.DEFAULT;
        assertThat(policy.cap(0)).isEqualTo(Duration.ofMillis(500));
        assertThat(policy.cap(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.cap(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.cap(10)).isEqualTo(Duration.ofSeconds(20));
        assertThat(policy.cap(100)).isEqualTo(Duration.ofSeconds(20));
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            waits.add(policy.delay(3).toMillis());
        }
        assertThat(waits).allSatisfy(w -> assertThat(w).isBetween(0L, 4000L));
        assertThat(waits.stream().mapToLong(Long::longValue).min().orElseThrow()).isLessThan(1000);
        assertThat(waits.stream().mapToLong(Long::longValue).max().orElseThrow()).isGreaterThan(3000);
        assertThat(new ReconnectPolicy(Duration.ofMillis(10), Duration.ofMillis(20), 3).allows(3)).isFalse();
    }
}
