package dev.worldws.tyrus;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.glassfish.tyrus.core.RequestContext;
import org.glassfish.tyrus.core.TyrusUpgradeResponse;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Connection;
import org.glassfish.tyrus.spi.ReadHandler;
import org.glassfish.tyrus.spi.WebSocketEngine;
import org.glassfish.tyrus.spi.Writer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Tyrus's own read handler, driven with client frames the way its Grizzly filter drives it. */
@DisplayName("Tyrus read buffers between reads")
class ReadBufferReleaseTest {
    private static final int LIMIT = 1 << 20;

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private BoundServerContainer container;
    private ReadHandler reader;

    /** Records every text message; the test's stand-in for the world-ws endpoint. */
    public static final class Recorder extends Endpoint {
        private final BlockingQueue<String> sink;

        Recorder(BlockingQueue<String> sink) {
            this.sink = sink;
        }

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            session.setMaxTextMessageBufferSize(LIMIT);
            session.addMessageHandler(String.class, (MessageHandler.Whole<String>) sink::add);
        }
    }

    @BeforeEach
    void upgrade() throws Exception {
        container = new BoundServerContainer(LIMIT + 1024);
        container.addEndpoint(ServerEndpointConfig.Builder.create(Recorder.class, "/ws")
                .configurator(new ServerEndpointConfig.Configurator() {
                    @Override
                    public <T> T getEndpointInstance(Class<T> type) {
                        return type.cast(new Recorder(received));
                    }
                }).build());
        container.start("/", 0);
        RequestContext request = RequestContext.Builder.create().requestURI(URI.create("/ws")).build();
        request.getHeaders().put("Host", List.of("127.0.0.1"));
        request.getHeaders().put("Upgrade", List.of("websocket"));
        request.getHeaders().put("Connection", List.of("Upgrade"));
        request.getHeaders().put("Sec-WebSocket-Key", List.of("dGhlIHNhbXBsZSBub25jZQ=="));
        request.getHeaders().put("Sec-WebSocket-Version", List.of("13"));
        WebSocketEngine.UpgradeInfo upgrade = container.getWebSocketEngine().upgrade(request, new TyrusUpgradeResponse());
        assertThat(upgrade.getStatus()).isEqualTo(WebSocketEngine.UpgradeStatus.SUCCESS);
        Connection tyrus = upgrade.createConnection(new Writer() {
            @Override
            public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> done) {
                done.completed(buffer);
            }

            @Override
            public void close() {}
        }, reason -> {});
        Connection wrapped = ReadBufferRelease.wrap(tyrus);
        assertThat(wrapped).as("this Tyrus version's read handler can be released").isNotSameAs(tyrus);
        reader = wrapped.getReadHandler();
    }

    @AfterEach
    void stop() {
        container.stop();
    }

    @Test
    @DisplayName("a read of whole frames leaves no buffer behind, and later messages of any size up to the limit arrive")
    void releasesAfterWholeFrames() throws Exception {
        reader.handle(ByteBuffer.wrap(clientFrame("hello")));
        assertThat(next()).isEqualTo("hello");
        assertThat(ReadBufferRelease.retained(reader)).isNull();

        String large = "x".repeat(LIMIT - 16);
        byte[] frames = concat(clientFrame(large), clientFrame("after"));
        reader.handle(ByteBuffer.wrap(frames));
        assertThat(next()).isEqualTo(large);
        assertThat(next()).isEqualTo("after");
        assertThat(ReadBufferRelease.retained(reader)).isNull();

        reader.handle(ByteBuffer.wrap(clientFrame("small again")));
        assertThat(next()).isEqualTo("small again");
        assertThat(ReadBufferRelease.retained(reader)).isNull();
    }

    @Test
    @DisplayName("a frame split over several reads keeps its partial bytes and arrives whole")
    void keepsPartialFrames() throws Exception {
        byte[] frame = clientFrame("a message that arrives in three reads, ".repeat(200));
        int third = frame.length / 3;

        reader.handle(ByteBuffer.wrap(frame, 0, third));
        assertThat(ReadBufferRelease.retained(reader)).as("the partial frame's bytes").isNotNull()
                .satisfies(kept -> assertThat(kept.hasRemaining()).isTrue());
        reader.handle(ByteBuffer.wrap(frame, third, third));
        assertThat(received).isEmpty();
        reader.handle(ByteBuffer.wrap(concat(java.util.Arrays.copyOfRange(frame, 2 * third, frame.length),
                clientFrame("next"))));

        assertThat(next()).isEqualTo("a message that arrives in three reads, ".repeat(200));
        assertThat(next()).isEqualTo("next");
        assertThat(ReadBufferRelease.retained(reader)).isNull();
    }

    private String next() throws InterruptedException {
        String message = received.poll(5, TimeUnit.SECONDS);
        assertThat(message).as("a message within 5 s").isNotNull();
        return message;
    }

    /** A masked, final text frame as a client sends it (RFC 6455 5.2). */
    private static byte[] clientFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x81);
        if (payload.length < 126) {
            out.write(0x80 | payload.length);
        } else if (payload.length < 65_536) {
            out.write(0x80 | 126);
            out.write(payload.length >>> 8);
            out.write(payload.length & 0xff);
        } else {
            out.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) payload.length >>> shift) & 0xff);
            }
        }
        byte[] mask = {0x12, 0x34, 0x56, 0x78};
        out.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ mask[i % 4]);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
