package dev.worldws.testkit;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A WebSocket client that is not ours, for tests over real sockets: the JDK's {@code java.net.http} one. Text
 * messages are handed over whole (fragments joined); binary messages are read and dropped; every wait is bounded.
 *
 * <pre>{@code
 * RecordingClient client = JdkWebSockets.connect(server.webSocketUri(), Map.of("token", jwt), Map.of());
 * JsonNode connected = client.nextOfType("connected");
 * }</pre>
 */
public final class JdkWebSockets {
    /** How long connecting, sending and closing may take. */
    public static final Duration WAIT = Duration.ofSeconds(5);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(WAIT).build();

    private JdkWebSockets() {}

    /**
     * Opens a socket to {@code uri} with these handshake headers; returns once it is open.
     *
     * @param onText receives each whole text message, in order
     * @param onClose receives the close code and reason once; a failed connection reports 1006 and the error
     * @throws java.util.concurrent.CompletionException if the handshake fails or takes longer than {@link #WAIT}
     */
    public static WebSocket open(URI uri, Map<String, String> headers, Consumer<String> onText,
            BiConsumer<Integer, String> onClose) {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(WAIT);
        headers.forEach(builder::header);
        return builder.buildAsync(uri, new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    onText.accept(partial.toString());
                    partial.setLength(0);
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                onClose.accept(statusCode, reason);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                onClose.accept(1006, String.valueOf(error));
            }
        }).orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    /** A {@link RecordingClient} on a socket to {@code base} with {@code query} appended and these headers. */
    public static RecordingClient connect(URI base, Map<String, String> query, Map<String, String> headers) {
        RecordingClient recorder = new RecordingClient();
        WebSocket socket = open(withQuery(base, query), headers, recorder::onText, recorder::onClose);
        return recorder.attach(new RecordingClient.Socket() {
            @Override
            public void sendText(String text) {
                socket.sendText(text, true).orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
            }

            @Override
            public void sendBinary(byte[] data) {
                socket.sendBinary(ByteBuffer.wrap(data), true).orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
            }

            @Override
            public void close(int code, String reason) {
                socket.sendClose(code, reason).orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS)
                        .exceptionally(e -> null).join();
            }
        });
    }

    /** {@code base} with {@code query} appended, values URL-encoded; {@code base} itself if there is none. */
    public static URI withQuery(URI base, Map<String, String> query) {
        if (query.isEmpty()) {
            return base;
        }
        return URI.create(base + "?" + query.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&")));
    }
}
