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

    @Test
    @DisplayName("frames the network has not taken yet are never written over by the next texts the same thread sends")
    void framesStillBeingWrittenStayIntact() throws Exception {
        try (RawClient stalled = RawClient.connect(server.webSocketUri())) {
            assertThat(stalled.nextText()).startsWith("connected ");
            var toStalled = engine.transports.values().iterator().next();
            JdkSocket reader = connect();
            var toReader = engine.transports.values().stream().filter(t -> t != toStalled).findFirst().orElseThrow();

            // the stalled client reads nothing: batches go out until one stays in flight, its frames held by Grizzly
            List<String> sentToStalled = new ArrayList<>();
            boolean inFlight = false;
            for (int batch = 0; batch < 5_000 && !inFlight; batch++) {
                List<String> texts = batchOf("stalled " + batch);
                sentToStalled.addAll(texts);
                inFlight = !toStalled.sendAll(texts).toCompletableFuture().isDone();
            }
            assertThat(inFlight).as("a write to the client that reads nothing stays in flight").isTrue();

            // the same thread frames other texts for another connection meanwhile
            List<String> sentToReader = new ArrayList<>();
            for (int batch = 0; batch < 50; batch++) {
                List<String> texts = batchOf("reader " + batch);
                sentToReader.addAll(texts);
                toReader.sendAll(texts);
            }
            assertThat(reader.next(sentToReader.size())).containsExactlyElementsOf(sentToReader);

            List<String> received = new ArrayList<>();
            for (int i = 0; i < sentToStalled.size(); i++) {
                received.add(stalled.nextText());
            }
            assertThat(received).containsExactlyElementsOf(sentToStalled);
        }
    }

    /** Four distinct ASCII texts of about 2 KB each: one batch frames to about 8 KB. */
    private static List<String> batchOf(String name) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            texts.add(name + "." + i + " " + (name + "." + i + " ").repeat(2_000 / (name.length() + 4)));
        }
        return texts;
    }

    /**
     * A WebSocket client on a plain socket with a small receive buffer, so that it can stop reading and let the
     * server's writes back up; it reads server frames (final, unmasked text frames) when asked.
     */
    private static final class RawClient implements AutoCloseable {
        private final java.net.Socket socket;
        private final java.io.DataInputStream in;

        private RawClient(java.net.Socket socket) throws java.io.IOException {
            this.socket = socket;
            this.in = new java.io.DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
        }

        static RawClient connect(java.net.URI uri) throws java.io.IOException {
            java.net.Socket socket = new java.net.Socket();
            socket.setReceiveBufferSize(4 * 1024);
            socket.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":"
                    + uri.getPort() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            RawClient client = new RawClient(socket);
            String status = client.line();
            assertThat(status).startsWith("HTTP/1.1 101");
            while (!client.line().isEmpty()) {
                // the response's headers
            }
            return client;
        }

        private String line() throws java.io.IOException {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                assertThat(b).as("the response goes on").isNotNegative();
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        String nextText() throws java.io.IOException {
            assertThat(in.readUnsignedByte()).as("a final text frame").isEqualTo(0x81);
            int length = in.readUnsignedByte();
            assertThat(length & 0x80).as("server frames are not masked").isZero();
            long payload = length == 126 ? in.readUnsignedShort() : length == 127 ? in.readLong() : length;
            byte[] bytes = new byte[Math.toIntExact(payload)];
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws java.io.IOException {
            socket.close();
        }
    }
}
