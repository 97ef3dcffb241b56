package dev.worldws.tyrus;

import dev.worldws.api.spi.Handshake;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A plain HTTP handler served by {@link WorldWsServer} on the same port as the WebSocket endpoint (REST views,
 * health checks, static files). Small on purpose: it keeps Grizzly out of user code.
 *
 * <p>Routes run on the server's small HTTP executor, not on its network threads, so a route may do brief blocking
 * work such as reading a directory. A route that throws gets a {@code 500} with a JSON error; the exception is
 * logged.
 */
@FunctionalInterface
public interface HttpRoute {

    /** Answers one request; never {@code null}. */
    Response handle(Request request) throws Exception;

    /**
     * An HTTP request as a route sees it.
     *
     * @param method the method, upper case ({@code GET})
     * @param path the request path without the query, undecoded ({@code /api/worlds})
     * @param query the query parameters, decoded
     * @param headers the headers, names lower-cased
     * @param remoteAddress the client's address
     */
    record Request(String method, String path, Map<String, List<String>> query, Map<String, List<String>> headers,
            String remoteAddress) {
        public Request {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(path, "path");
            query = Map.copyOf(query);
            Map<String, List<String>> lower = new LinkedHashMap<>();
            headers.forEach((name, values) -> lower.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
            headers = Map.copyOf(lower);
            remoteAddress = remoteAddress == null ? "" : remoteAddress;
        }

        public Optional<String> queryParameter(String name) {
            List<String> values = query.get(name);
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }

        public Optional<String> header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }

        /** The same credentials seen as a WebSocket handshake, so one authenticator serves REST and WebSocket. */
        public Handshake asHandshake() {
            return new Handshake(headers, query, remoteAddress);
        }
    }

    /**
     * An HTTP response.
     *
     * @param status the status code
     * @param contentType the {@code Content-Type}
     * @param body the body bytes
     * @param headers extra headers
     */
    record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
        public Response {
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(body, "body");
            headers = Map.copyOf(headers);
        }

        /** A JSON response; {@code json} must already be serialized. */
        public static Response json(int status, String json) {
            return new Response(status, "application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8),
                    Map.of("Cache-Control", "no-store"));
        }

        public static Response text(int status, String text) {
            return new Response(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), Map.of());
        }

        public static Response bytes(int status, String contentType, byte[] body) {
            return new Response(status, contentType, body, Map.of());
        }
    }
}
