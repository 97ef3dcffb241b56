package dev.worldws.tyrus;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A WebSocket client that is not ours (the JDK's), recording what arrives; every wait is bounded. */
final class JdkSocket implements WebSocket.Listener, AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(5);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    volatile String closeReason = "";
    private final StringBuilder partial = new StringBuilder();
    WebSocket socket;

    static JdkSocket connect(URI uri) {
        return connect(uri, Map.of());
    }

    static JdkSocket connect(URI uri, Map<String, String> headers) {
        JdkSocket listener = new JdkSocket();
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(WAIT);
        headers.forEach(builder::header);
        listener.socket = builder.buildAsync(uri, listener).orTimeout(5, TimeUnit.SECONDS).join();
        return listener;
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
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            messages.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeReason = reason;
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeCode.complete(1006);
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
