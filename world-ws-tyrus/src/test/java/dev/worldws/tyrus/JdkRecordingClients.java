package dev.worldws.tyrus;

import dev.worldws.testkit.RecordingClient;
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
import java.util.stream.Collectors;

/** Wires a testkit {@link RecordingClient} to a real socket through the JDK's WebSocket client (not ours). */
public final class JdkRecordingClients {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private JdkRecordingClients() {}

    /** Connects to {@code base} with {@code query} appended; returns once the socket is open. */
    public static RecordingClient connect(URI base, Map<String, String> query) {
        RecordingClient recorder = new RecordingClient();
        String suffix = query.isEmpty() ? "" : "?" + query.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        WebSocket socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create(base + suffix), new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            recorder.onText(partial.toString());
                            partial.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        recorder.onClose(statusCode, reason);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                        recorder.onClose(1006, String.valueOf(error));
                    }
                }).orTimeout(5, TimeUnit.SECONDS).join();
        return recorder.attach(new RecordingClient.Socket() {
            @Override
            public void sendText(String text) {
                socket.sendText(text, true).orTimeout(5, TimeUnit.SECONDS).join();
            }

            @Override
            public void sendBinary(byte[] data) {
                socket.sendBinary(ByteBuffer.wrap(data), true).orTimeout(5, TimeUnit.SECONDS).join();
            }

            @Override
            public void close(int code, String reason) {
                socket.sendClose(code, reason).orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
            }
        });
    }
}
