package dev.worldws.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.worldws.testkit.RecordingClient;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * Talks to the server the way any client would, with the JDK's own WebSocket and HTTP clients (not ours): text
 * frames of JSON as docs/protocol.md describes them.
 */
final class Wire {
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Wire() {}

    static RecordingClient connect(URI base) {
        return connect(base, Map.of(), Map.of());
    }

    static RecordingClient connect(URI base, Map<String, String> query, Map<String, String> headers) {
        RecordingClient recorder = new RecordingClient();
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        headers.forEach(builder::header);
        WebSocket socket = builder.buildAsync(withQuery(base, query), new WebSocket.Listener() {
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

    static URI withQuery(URI base, Map<String, String> query) {
        if (query.isEmpty()) {
            return base;
        }
        return URI.create(base + "?" + query.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&")));
    }

    static HttpResponse<String> get(URI uri, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static Map<String, Object> payload(Object... keyValues) {
        Map<String, Object> payload = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            payload.put((String) keyValues[i], keyValues[i + 1]);
        }
        return payload;
    }

    static String type(JsonNode message) {
        return message.path("type").asText();
    }

    static String errorCode(JsonNode message) {
        return message.path("payload").path("code").asText();
    }

    /** The end of an exchange: the world went idle. */
    static boolean isIdle(JsonNode message) {
        return type(message).equals("event_stream") && message.path("payload").path("event").path("type").asText().equals("idle");
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        }
    }
}
