package dev.worldws.tyrus;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The JDK WebSocket client for tests in other packages. */
public final class TestSockets {
    private TestSockets() {}

    public static Socket connect(URI uri) {
        return new Socket(JdkSocket.connect(uri));
    }

    /** A connected JDK WebSocket that records what arrives. */
    public static final class Socket implements AutoCloseable {
        private final JdkSocket socket;

        Socket(JdkSocket socket) {
            this.socket = socket;
        }

        public String next() throws InterruptedException {
            return socket.next();
        }

        public void send(String text) {
            socket.send(text);
        }

        public void sendBinary(ByteBuffer bytes) throws Exception {
            socket.socket.sendBinary(bytes, true).get(5, TimeUnit.SECONDS);
        }

        public int awaitClose() {
            return socket.awaitClose();
        }

        public CompletableFuture<Integer> closeCode() {
            return socket.closeCode;
        }

        public String closeReason() {
            return socket.closeReason;
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
