package dev.worldws.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.worldws.testkit.JdkWebSockets;
import dev.worldws.testkit.RecordingClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

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
        return JdkWebSockets.connect(base, query, headers);
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
