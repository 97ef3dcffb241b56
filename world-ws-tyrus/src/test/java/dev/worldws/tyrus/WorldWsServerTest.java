package dev.worldws.tyrus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.worldws.api.AuthenticationException;
import dev.worldws.api.UserId;
import dev.worldws.api.spi.Authenticator;
import dev.worldws.api.spi.Identity;
import dev.worldws.api.spi.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("WorldWsServer on Tyrus/Grizzly")
class WorldWsServerTest {
    private static final int LIMIT = 1024;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Authenticator bearerOnly = handshake -> {
        String token = handshake.bearerToken().orElse(null);
        if (token == null) {
            return Identity.anonymous();
        }
        if (token.equals("good")) {
            return Identity.known(UserId.of("alice"));
        }
        throw new AuthenticationException("token refused: bad signature");
    };
    private EchoEngine engine;
    private WorldWsServer server;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void start() {
        engine = new EchoEngine(bearerOnly, LIMIT);
        server = WorldWsServer.builder(engine).port(0)
                .route("/health", request -> HttpRoute.Response.json(200, "{\"status\":\"ok\"}"))
                .route("/api/*", request -> HttpRoute.Response.text(200, "api " + request.path()
                        + " " + request.queryParameter("q").orElse("-")))
                .route("/boom", request -> {
                    throw new IllegalStateException("route failed on purpose");
                })
                .build().start();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
        server.stop();
    }

    private JdkSocket connect(String query) {
        JdkSocket socket = JdkSocket.connect(URI.create(server.webSocketUri() + query));
        toClose.add(socket);
        return socket;
    }

    private String awaitReport(String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            String report = engine.reports.poll(100, TimeUnit.MILLISECONDS);
            if (report != null && report.startsWith(prefix)) {
                return report;
            }
        }
        throw new AssertionError("no report starting with \"" + prefix + "\"");
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(server.httpUri().resolve(path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Nested
    @DisplayName("binding")
    class Binding {
        @Test
        @DisplayName("port 0 picks a free port and the host is honoured: 127.0.0.2 is not served")
        void bindsOnlyTheHost() throws IOException {
            assertThat(server.port()).isPositive();
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
            }
            assertThatThrownBy(() -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.2", server.port()), 2000);
                }
            }).isInstanceOf(ConnectException.class);
        }

        @Test
        @DisplayName("a port in use is reported clearly")
        void portInUse() {
            WorldWsServer second = WorldWsServer.builder(engine).port(server.port()).build();
            assertThatThrownBy(second::start)
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("127.0.0.1:" + server.port())
                    .hasMessageContaining("address already in use");
        }
    }

    @Test
    @DisplayName("a host that is not an address of this machine is reported clearly")
    void foreignHost() {
        // 192.0.2.1 is TEST-NET-1: never assigned to a local interface, and binding sends no traffic
        WorldWsServer foreign = WorldWsServer.builder(engine).host("192.0.2.1").port(0).build();
        assertThatThrownBy(foreign::start)
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot listen on 192.0.2.1:0")
                .hasMessageContaining("an address of this machine");
    }

    @Nested
    @DisplayName("WebSocket endpoint")
    class Endpoint {
        @Test
        @DisplayName("an anonymous client is connected and its text reaches the engine")
        void echo() throws Exception {
            JdkSocket socket = connect("");
            assertThat(socket.next()).startsWith("connected anon-");
            socket.send("hello");
            assertThat(socket.next()).isEqualTo("echo hello");
            assertThat(awaitReport("handshake from")).isEqualTo("handshake from 127.0.0.1");
        }

        @Test
        @DisplayName("a token in the query authenticates the user")
        void tokenInQuery() throws Exception {
            assertThat(connect("?token=good").next()).isEqualTo("connected alice");
        }

        @Test
        @DisplayName("concurrent handshakes never mix up identities (user properties are per connection)")
        void concurrentHandshakes() throws Exception {
            WorldWsServer perUser = WorldWsServer.builder(new EchoEngine(handshake -> handshake.bearerToken()
                    .map(token -> Identity.known(UserId.of(token))).orElse(Identity.anonymous()), LIMIT))
                    .port(0).build().start();
            try {
                List<CompletableFuture<String>> greetings = new ArrayList<>();
                for (int i = 0; i < 24; i++) {
                    String user = "user" + i;
                    greetings.add(CompletableFuture.supplyAsync(() -> {
                        try (JdkSocket socket = JdkSocket.connect(URI.create(perUser.webSocketUri() + "?token=" + user))) {
                            return socket.next();
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }));
                }
                for (int i = 0; i < greetings.size(); i++) {
                    assertThat(greetings.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("connected user" + i);
                }
            } finally {
                perUser.stop();
            }
        }

        @Test
        @DisplayName("a token in the Authorization header authenticates the user")
        void tokenInHeader() throws Exception {
            JdkSocket socket = JdkSocket.connect(server.webSocketUri(), Map.of("Authorization", "Bearer good"));
            toClose.add(socket);
            assertThat(socket.next()).isEqualTo("connected alice");
        }

        @Test
        @DisplayName("a refused token closes the connection with 4401 and the authenticator's reason")
        void refused() {
            JdkSocket socket = connect("?token=bad");
            assertThat(socket.awaitClose()).isEqualTo(4401);
            assertThat(socket.closeReason).isEqualTo("token refused: bad signature");
            assertThat(engine.transports).isEmpty();
        }

        @Test
        @DisplayName("a text over the engine's limit is reported as too large and the connection stays usable")
        void tooLarge() throws Exception {
            JdkSocket socket = connect("");
            socket.next();
            socket.send("x".repeat(LIMIT + 1));
            assertThat(socket.next()).isEqualTo("too large");
            assertThat(awaitReport("too large")).isEqualTo("too large " + (LIMIT + 1));
            socket.send("still here");
            assertThat(socket.next()).isEqualTo("echo still here");
        }

        @Test
        @DisplayName("multi-byte text is measured in UTF-8 bytes")
        void utf8Limit() throws Exception {
            JdkSocket socket = connect("");
            socket.next();
            socket.send("é".repeat(LIMIT / 2 + 1)); // fewer chars than the limit, more bytes
            assertThat(socket.next()).isEqualTo("too large");
        }

        @Test
        @DisplayName("a frame beyond the container's hard limit closes with 1009 and is reported")
        void farTooLarge() throws Exception {
            JdkSocket socket = connect("");
            socket.next();
            socket.send("x".repeat(WorldWsEndpoint.hardLimit(engine) + 10));
            assertThat(socket.awaitClose()).isEqualTo(1009);
            awaitReport("closed 1009");
        }

        @Test
        @DisplayName("a binary frame is reported with its length")
        void binary() throws Exception {
            JdkSocket socket = connect("");
            socket.next();
            socket.socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(5, TimeUnit.SECONDS);
            assertThat(socket.next()).isEqualTo("binary refused");
            assertThat(awaitReport("binary")).isEqualTo("binary 3");
        }

        @Test
        @DisplayName("a server ping is answered by the client's pong, which reaches the engine")
        void pingPong() throws Exception {
            JdkSocket socket = connect("");
            socket.next();
            socket.send("ping-me");
            assertThat(socket.next()).isEqualTo("pinged true");
            awaitReport("pong");
        }

        @Test
        @DisplayName("a client close reaches the engine once, with its code")
        void clientClose() throws Exception {
            JdkSocket socket = connect("");
            socket.next();
            socket.socket.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
            assertThat(awaitReport("closed")).isEqualTo("closed 1000");
            assertThat(engine.transports).isEmpty();
        }

        @Test
        @DisplayName("graceful shutdown lets the engine say goodbye and closes with 1001")
        void shutdown() throws Exception {
            JdkSocket socket = connect("");
            socket.next();
            server.shutdown(Duration.ofSeconds(1));
            assertThat(socket.next()).isEqualTo("bye");
            assertThat(socket.awaitClose()).isEqualTo(1001);
        }
    }

    @Nested
    @DisplayName("transport")
    class TransportBehaviour {
        @Test
        @DisplayName("concurrent sends from 8 threads all arrive, each thread's in order, with nothing left queued")
        void concurrentSends() throws Exception {
            JdkSocket socket = connect("");
            socket.next();
            Transport transport = engine.transports.values().iterator().next();
            int threads = 8;
            int perThread = 300;
            List<CompletableFuture<Void>> sends = Collections.synchronizedList(new ArrayList<>());
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Thread sender = new Thread(() -> {
                    for (int i = 0; i < perThread; i++) {
                        sends.add(transport.send(thread + ":" + i).toCompletableFuture());
                    }
                });
                senders.add(sender);
                sender.start();
            }
            for (Thread sender : senders) {
                sender.join(5000);
            }
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            int[] last = new int[threads];
            java.util.Arrays.fill(last, -1);
            for (String message : socket.next(threads * perThread)) {
                String[] parts = message.split(":");
                int thread = Integer.parseInt(parts[0]);
                int index = Integer.parseInt(parts[1]);
                assertThat(index).isEqualTo(last[thread] + 1);
                last[thread] = index;
            }
            assertThat(((SessionTransport) transport).queuedBytes()).isZero();
        }

        @Test
        @DisplayName("a send after close fails its stage instead of throwing")
        void sendAfterClose() throws Exception {
            JdkSocket socket = connect("");
            socket.next();
            Transport transport = engine.transports.values().iterator().next();
            transport.close(4409, "slow consumer");
            transport.close(4409, "again"); // idempotent
            assertThat(socket.awaitClose()).isEqualTo(4409);
            assertThat(transport.isOpen()).isFalse();
            assertThatThrownBy(() -> transport.send("late").toCompletableFuture().join())
                    .isInstanceOf(CompletionException.class).hasCauseInstanceOf(IOException.class);
            assertThat(transport.ping()).isFalse();
        }

        @Test
        @DisplayName("close reasons are cut to the 123 bytes WebSocket allows")
        void longReason() {
            assertThat(SessionTransport.truncate("é".repeat(100)).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .hasSizeLessThanOrEqualTo(123);
            assertThat(SessionTransport.truncate("short")).isEqualTo("short");
        }
    }

    @Nested
    @DisplayName("HTTP routes on the same port")
    class Routes {
        @Test
        @DisplayName("an exact route answers with its JSON")
        void exact() throws Exception {
            HttpResponse<String> response = get("/health");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));
            assertThat(response.body()).isEqualTo("{\"status\":\"ok\"}");
        }

        @Test
        @DisplayName("a prefix route sees the path and the decoded query")
        void prefix() throws Exception {
            assertThat(get("/api/worlds?q=a%20b").body()).isEqualTo("api /api/worlds a b");
        }

        @Test
        @DisplayName("an unknown path is a JSON 404 and a failing route a JSON 500")
        void errors() throws Exception {
            HttpResponse<String> missing = get("/nothing-here");
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.body()).contains("\"code\":\"not_found\"");
            HttpResponse<String> failing = get("/boom");
            assertThat(failing.statusCode()).isEqualTo(500);
            assertThat(failing.body()).contains("\"code\":\"internal\"").doesNotContain("on purpose");
        }

        @Test
        @DisplayName("with the WebSocket switched off, HTTP still answers and upgrades are refused")
        void webSocketOff() throws Exception {
            WorldWsServer httpOnly = WorldWsServer.builder(engine).port(0).webSocketEnabled(false)
                    .route("/health", request -> HttpRoute.Response.json(200, "{}")).build().start();
            try {
                HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(httpOnly.httpUri().resolve("/health"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
                assertThatThrownBy(() -> JdkSocket.connect(httpOnly.webSocketUri()))
                        .isInstanceOf(CompletionException.class);
            } finally {
                httpOnly.stop();
            }
        }
    }
}
