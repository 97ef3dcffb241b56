package dev.worldws.examples;

import dev.worldws.tyrus.HttpRoute;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/** Serves the files under the classpath folder {@code web/} at {@code /}; a placeholder page if there is none. */
final class StaticFiles implements HttpRoute {
    private static final String ROOT = "web/";
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json; charset=utf-8"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("webmanifest", "application/manifest+json"));

    private final String webSocketPath;

    StaticFiles(String webSocketPath) {
        this.webSocketPath = webSocketPath;
    }

    @Override
    public Response handle(Request request) throws IOException {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return Response.json(405, "{\"error\":{\"code\":\"method_not_allowed\",\"message\":\"only GET\"}}");
        }
        String path = request.path().equals("/") ? "/index.html" : request.path();
        if (path.contains("..") || path.contains("\\") || path.contains("//") || path.contains("%")) {
            return Response.json(404, "{\"error\":{\"code\":\"not_found\",\"message\":\"no such file\"}}");
        }
        byte[] body = read(ROOT + path.substring(1));
        if (body == null) {
            if (path.equals("/index.html")) {
                return Response.bytes(200, TYPES.get("html"), placeholder().getBytes(StandardCharsets.UTF_8));
            }
            return Response.json(404, "{\"error\":{\"code\":\"not_found\",\"message\":\"no such file\"}}");
        }
        String extension = path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return new Response(200, TYPES.getOrDefault(extension, "application/octet-stream"), body,
                Map.of("Cache-Control", "no-cache", "X-Content-Type-Options", "nosniff"));
    }

    private static byte[] read(String resource) throws IOException {
        if (resource.endsWith("/")) {
            return null;
        }
        try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    private String placeholder() {
        return "<!doctype html><html><head><meta charset=\"utf-8\"><title>world-ws</title></head><body>"
                + "<h1>world-ws is running</h1><p>WebSocket endpoint: <code>" + webSocketPath + "</code>. "
                + "REST: <a href=\"/health\">/health</a>, <a href=\"/api/templates\">/api/templates</a>, "
                + "<a href=\"/api/worlds\">/api/worlds</a>, <a href=\"/api/stats\">/api/stats</a>.</p></body></html>";
    }
}
