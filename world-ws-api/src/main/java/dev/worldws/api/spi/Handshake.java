package dev.worldws.api.spi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a client presented when it connected: headers (names lower-cased), query parameters and its address.
 * Browsers cannot set headers on a WebSocket, so credentials may arrive in the query ({@code ?token=}).
 */
public record Handshake(Map<String, List<String>> headers, Map<String, List<String>> query, String remoteAddress) {
    public Handshake {
        Map<String, List<String>> lower = new LinkedHashMap<>();
        if (headers != null) {
            headers.forEach((name, values) -> lower.merge(name.toLowerCase(Locale.ROOT), List.copyOf(values),
                    (a, b) -> {
                        var both = new java.util.ArrayList<>(a);
                        both.addAll(b);
                        return List.copyOf(both);
                    }));
        }
        headers = Map.copyOf(lower);
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (query != null) {
            query.forEach((name, values) -> params.put(name, List.copyOf(values)));
        }
        query = Map.copyOf(params);
        remoteAddress = remoteAddress == null ? "" : remoteAddress;
    }

    /** A handshake with nothing in it, as from an in-process client. */
    public static Handshake empty() {
        return new Handshake(Map.of(), Map.of(), "");
    }

    /** The first value of a header, case-insensitively. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** The first value of a query parameter. */
    public Optional<String> queryParameter(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** The credential: {@code Authorization: Bearer X} if present, else the {@code token} query parameter. */
    public Optional<String> bearerToken() {
        Optional<String> header = header("authorization")
                .filter(value -> value.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(value -> value.substring(7).trim())
                .filter(value -> !value.isEmpty());
        return header.isPresent() ? header : queryParameter("token").filter(value -> !value.isEmpty());
    }
}
