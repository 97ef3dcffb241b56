package dev.worldws.tyrus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.worldws.api.spi.Identity;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Frames the transport builds itself (rather than Tyrus's sendText) reach a client that is not ours intact, at
 * every length where the frame header changes, with text that is not ASCII.
 */
class TextFrameWriterTest {
    private static final int LIMIT = 1 << 20;
    private EchoEngine engine;
    private WorldWsServer server;
    private final List<JdkSocket> sockets = new ArrayList<>();

    @BeforeEach
    void start() {
        engine = new EchoEngine(handshake -> Identity.anonymous(), LIMIT);
        server = WorldWsServer.builder(engine).port(0).build().start();
    }

    @AfterEach
    void stop() {
        sockets.forEach(JdkSocket::close);
        server.stop();
    }

    private JdkSocket connect() throws InterruptedException {
        JdkSocket socket = JdkSocket.connect(server.webSocketUri());
        sockets.add(socket);
        assertThat(socket.next()).startsWith("connected ");
        return socket;
    }

    /** A text whose echo ("echo " + it) has exactly {@code bytes} UTF-8 bytes, with two- and four-byte characters. */
    private static String echoedSizeOf(int bytes) {
        StringBuilder text = new StringBuilder();
        int left = bytes - "echo ".length();
        while (left >= 4) {
            text.append(left % 3 == 0 ? "\uD83C\uDF75" : "é a"); // a 4-byte character, or 2 + 1 + 1 bytes
            left -= 4;
        }
        text.append("x".repeat(left));
        assertThat(("echo " + text).getBytes(StandardCharsets.UTF_8)).hasSize(bytes);
        return text.toString();
    }

    @Test
    @DisplayName("with the pinned Tyrus the transport writes its own frames")
    void framesAreWrittenDirectly() throws InterruptedException {
        connect();
        assertThat(TextFrameWriter.supported()).isTrue();
        assertThat(engine.transports.values()).singleElement()
                .satisfies(transport -> assertThat(((SessionTransport) transport).writesFramesDirectly()).isTrue());
    }

    @Test
    @DisplayName("texts of every header size arrive whole and in order: up to 125 bytes, 126 to 65,535, and more")
    void everyLengthArrivesWhole() throws InterruptedException {
        JdkSocket socket = connect();
        List<String> sent = new ArrayList<>();
        for (int bytes : new int[] {5, 124, 125, 126, 127, 65_535, 65_536, 65_537, 300_000}) {
            String text = echoedSizeOf(bytes);
            sent.add("echo " + text);
            socket.send(text);
        }
        assertThat(socket.next(sent.size())).containsExactlyElementsOf(sent);
    }

    @Test
    @DisplayName("the same text sent to many connections arrives whole at each")
    void oneTextToManyConnections() throws InterruptedException {
        List<JdkSocket> clients = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            clients.add(connect());
        }
        String shared = echoedSizeOf(1_005);
        for (var transport : engine.transports.values()) {
            transport.send(shared);
        }
        for (JdkSocket client : clients) {
            assertThat(client.next()).isEqualTo(shared);
        }
    }

    @Test
    @DisplayName("texts sent together arrive as separate messages, whole and in order, at every connection")
    void severalTextsInOneWrite() throws InterruptedException {
        List<JdkSocket> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            clients.add(connect());
        }
        List<String> together = new ArrayList<>();
        for (int bytes : new int[] {1, 125, 126, 2_000, 65_535, 65_536, 70_000}) {
            together.add(echoedSizeOf(bytes + "echo ".length()));
        }
        List<String> after = List.of("then one more");
        for (var transport : engine.transports.values()) {
            transport.sendAll(together);
            transport.sendAll(List.of(together.get(0), together.get(2)));
            transport.send(after.get(0));
        }
        List<String> expected = new ArrayList<>(together);
        expected.add(together.get(0));
        expected.add(together.get(2));
        expected.addAll(after);
        for (JdkSocket client : clients) {
            assertThat(client.next(expected.size())).containsExactlyElementsOf(expected);
        }
    }

    @Test
    @DisplayName("a lone surrogate arrives as '?' (as String.getBytes encodes it) without breaking the frames after it")
    void loneSurrogate() throws Exception {
        JdkSocket client = connect();
        String lone = "half \uD83C of a pair, then \uDF75 the other half";
        var transport = engine.transports.values().iterator().next();
        var both = transport.sendAll(List.of(lone, "next")).toCompletableFuture();
        var one = transport.send(lone).toCompletableFuture();
        String expected = "half ? of a pair, then ? the other half";
        assertThat(client.next(3)).containsExactly(expected, "next", expected);
        // a frame can reach the client before its write's completion has run on the server: wait for the sends
        CompletableFuture.allOf(both, one).get(10, TimeUnit.SECONDS);
        assertThat(((SessionTransport) transport).queuedBytes()).isZero();
    }
}
