package dev.worldws.tyrus;

import dev.worldws.testkit.JdkWebSockets;
import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client that is not ours (the JDK's, opened by the testkit's {@link JdkWebSockets}), recording the raw
 * text that arrives; every wait is bounded.
 */
final class JdkSocket implements AutoCloseable {
    static final Duration WAIT = JdkWebSockets.WAIT;

    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    volatile String closeReason = "";
    WebSocket socket;

    static JdkSocket connect(URI uri) {
        return connect(uri, Map.of());
    }

    static JdkSocket connect(URI uri, Map<String, String> headers) {
        JdkSocket listener = new JdkSocket();
        listener.socket = JdkWebSockets.open(uri, headers, listener.messages::add, listener::closed);
        return listener;
    }

    private synchronized void closed(int code, String reason) {
        if (!closeCode.isDone()) {
            closeReason = reason;
            closeCode.complete(code);
        }
    }

    String next() throws InterruptedException {
        String message = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (message == null) {
            throw new AssertionError("timed out waiting for a message");
        }
        return message;
    }

    List<String> next(int count) throws InterruptedException {
        List<String> all = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            all.add(next());
        }
        return all;
    }

    void send(String text) {
        socket.sendText(text, true).orTimeout(5, TimeUnit.SECONDS).join();
    }

    int awaitClose() {
        return closeCode.orTimeout(5, TimeUnit.SECONDS).join();
    }

    @Override
    public void close() {
        if (socket != null && !socket.isOutputClosed()) {
            socket.sendClose(1000, "bye").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        if (socket != null) {
            socket.abort();
        }
    }
}
