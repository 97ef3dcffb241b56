package dev.worldws.tyrus;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.worldws.core.WorldWsEngine;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.RequestExecutorProvider;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;

/**
 * A standalone world-ws server: the WebSocket endpoint and plain HTTP routes on one port, on Tyrus over Grizzly.
 *
 * <pre>{@code
 * WorldWsServer server = WorldWsServer.builder(engine)
 *         .host("127.0.0.1").port(0)           // 0 picks a free port
 *         .route("/health", request -> HttpRoute.Response.json(200, "{\"status\":\"ok\"}"))
 *         .build();
 * server.start();
 * URI ws = server.webSocketUri();              // ws://127.0.0.1:<port>/ws
 * ...
 * server.shutdown(Duration.ofSeconds(5));      // clients told, worlds saved, connections closed with 1001
 * }</pre>
 *
 * <p>The host is honoured exactly (Tyrus's own {@code Server} would bind every interface). With
 * {@link Builder#webSocketEnabled(boolean) webSocketEnabled(false)} the HTTP routes stay up and WebSocket upgrades
 * are refused, for example to drain a node.
 *
 * <p>Thread-safe. {@link #start()} and {@link #stop()} may each be called once.
 */
public final class WorldWsServer {
    private static final System.Logger LOG = System.getLogger(WorldWsServer.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String host;
    private final int requestedPort;
    private final String path;
    private final WorldWsEngine engine;
    private final boolean webSocketEnabled;
    private final boolean closeEngineOnStop;
    private final List<Mapping> routes;
    private final int httpThreads;

    private final Object lifecycle = new Object();
    private HttpServer http; // guarded by lifecycle
    private BoundServerContainer container; // guarded by lifecycle
    private ExecutorService routeExecutor; // guarded by lifecycle
    private volatile int boundPort = -1;
    private volatile boolean stopped;

    private WorldWsServer(Builder builder) {
        this.host = builder.host;
        this.requestedPort = builder.port;
        this.path = builder.path;
        this.engine = builder.engine;
        this.webSocketEnabled = builder.webSocketEnabled;
        this.closeEngineOnStop = builder.closeEngineOnStop;
        this.httpThreads = builder.httpThreads;
        List<Mapping> sorted = new ArrayList<>(builder.routes);
        // exact paths first, then the longest prefix wins
        sorted.sort(Comparator.comparing((Mapping m) -> m.prefix ? 1 : 0)
                .thenComparing(m -> -m.path.length()));
        this.routes = List.copyOf(sorted);
    }

    /** A builder for a server in front of {@code engine}. */
    public static Builder builder(WorldWsEngine engine) {
        return new Builder(engine);
    }

    /**
     * Binds the port and starts serving.
     *
     * @throws UncheckedIOException if the address cannot be bound (port in use, host not local); the message says which
     * @throws IllegalStateException if already started
     */
    public WorldWsServer start() {
        synchronized (lifecycle) {
            if (http != null) {
                throw new IllegalStateException("server already started");
            }
            HttpServer server = new HttpServer();
            NetworkListener listener = new NetworkListener("world-ws", host, requestedPort);
            listener.getTransport().setIOStrategy(WorkerThreadIOStrategy.getInstance());
            // WebSocket connections ride on HTTP keep-alive; the engine's heartbeat decides when they are dead
            listener.getKeepAlive().setIdleTimeoutInSeconds(-1);
            server.addListener(listener);
            BoundServerContainer wsContainer = null;
            if (webSocketEnabled) {
                wsContainer = new BoundServerContainer(WorldWsEndpoint.hardLimit(engine) + 1024);
                listener.registerAddOn(new WebSocketAddOn(wsContainer, "/"));
                listener.registerAddOn(new UpgradeRequestRelease());
            }
            ExecutorService executor = Executors.newFixedThreadPool(httpThreads, daemonThreads("world-ws-http"));
            server.getServerConfiguration().addHttpHandler(new RouteHandler(executor), "/");
            try {
                if (wsContainer != null) {
                    wsContainer.addEndpoint(WorldWsEndpoints.config(engine, path));
                    wsContainer.start("/", requestedPort);
                }
                server.start();
            } catch (BindException e) {
                cleanUp(server, wsContainer, executor);
                String message = String.valueOf(e.getMessage());
                throw new UncheckedIOException("cannot listen on " + host + ":" + requestedPort + ": "
                        + (message.toLowerCase(Locale.ROOT).contains("in use")
                                ? "address already in use (is another server running? choose another port)"
                                : message + " (is " + host + " an address of this machine?)"), e);
            } catch (IOException e) {
                cleanUp(server, wsContainer, executor);
                throw new UncheckedIOException("cannot listen on " + host + ":" + requestedPort + ": " + e.getMessage(), e);
            } catch (jakarta.websocket.DeploymentException e) {
                cleanUp(server, wsContainer, executor);
                throw new IllegalStateException("cannot deploy the WebSocket endpoint at " + path + ": " + e.getMessage(), e);
            }
            http = server;
            container = wsContainer;
            routeExecutor = executor;
            boundPort = listener.getPort();
            LOG.log(System.Logger.Level.DEBUG, "listening on {0}:{1} (WebSocket {2})", host, boundPort,
                    webSocketEnabled ? path : "off");
            return this;
        }
    }

    private static void cleanUp(HttpServer server, BoundServerContainer wsContainer, ExecutorService executor) {
        try {
            server.shutdownNow();
        } catch (RuntimeException ignored) {
            // nothing was started
        }
        if (wsContainer != null) {
            wsContainer.stop();
        }
        executor.shutdownNow();
    }

    /** The port actually bound; useful after {@code port(0)}. */
    public int port() {
        int port = boundPort;
        if (port < 0) {
            throw new IllegalStateException("server not started");
        }
        return port;
    }

    /** The host the server is bound to. */
    public String host() {
        return host;
    }

    /** The WebSocket endpoint's path. */
    public String path() {
        return path;
    }

    /** {@code http://host:port} of the started server. */
    public URI httpUri() {
        return URI.create("http://" + hostForUri() + ":" + port());
    }

    /** {@code ws://host:port/path} of the started server. */
    public URI webSocketUri() {
        return URI.create("ws://" + hostForUri() + ":" + port() + path);
    }

    private String hostForUri() {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** The engine behind the WebSocket endpoint. */
    public WorldWsEngine engine() {
        return engine;
    }

    /**
     * Graceful stop: the engine tells every client {@code server_shutdown}, lets in-flight replies finish within
     * {@code grace}, saves every world and closes connections with 1001; then the listener stops.
     */
    public void shutdown(Duration grace) {
        if (stopped) {
            return;
        }
        if (webSocketEnabled) {
            try {
                engine.shutdown(grace).toCompletableFuture().get(grace.toMillis() + 10_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "engine shutdown did not finish cleanly: " + e, e);
            }
        }
        drain();
        stop();
    }

    /** Lets the close frames the engine just sent reach the clients before the listener goes away (at most 1 s). */
    private void drain() {
        HttpServer server;
        synchronized (lifecycle) {
            server = stopped ? null : http;
        }
        if (server == null) {
            return;
        }
        try {
            server.shutdown(1, TimeUnit.SECONDS).get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "graceful listener shutdown: " + e);
        }
    }

    /** Stops listening at once; closes the engine too if the builder said so. Idempotent. */
    public void stop() {
        synchronized (lifecycle) {
            if (stopped) {
                return;
            }
            stopped = true;
            if (http != null) {
                // at once: open WebSocket connections would hold a graceful HTTP shutdown; the graceful part is
                // the engine's (shutdown(grace) runs it before getting here)
                http.shutdownNow();
                if (container != null) {
                    container.stop();
                }
                routeExecutor.shutdownNow();
            }
        }
        if (closeEngineOnStop) {
            engine.close();
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Dispatches plain HTTP requests to the configured routes, on the route executor. */
    private final class RouteHandler extends HttpHandler {
        private final ExecutorService executor;

        RouteHandler(ExecutorService executor) {
            super("world-ws-routes");
            this.executor = executor;
        }

        @Override
        public RequestExecutorProvider getRequestExecutorProvider() {
            return request -> executor;
        }

        @Override
        public void service(Request request, Response response) throws Exception {
            HttpRoute.Request routed = toRequest(request);
            HttpRoute route = find(routed.path());
            HttpRoute.Response answer;
            if (route == null) {
                answer = error(404, "not_found", "no resource at " + routed.path());
            } else {
                try {
                    answer = route.handle(routed);
                    if (answer == null) {
                        throw new IllegalStateException("route for " + routed.path() + " returned null");
                    }
                } catch (Exception e) {
                    LOG.log(System.Logger.Level.ERROR, "HTTP " + routed.method() + " " + routed.path() + " failed: " + e, e);
                    answer = error(500, "internal", "the server failed to answer; see its log");
                }
            }
            write(response, answer, "HEAD".equals(routed.method()));
        }

        private HttpRoute find(String requestPath) {
            for (Mapping mapping : routes) {
                if (mapping.matches(requestPath)) {
                    return mapping.route;
                }
            }
            return null;
        }
    }

    private static HttpRoute.Request toRequest(Request request) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        request.getParameterMap().forEach((name, values) -> query.put(name, List.of(values)));
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : request.getHeaderNames()) {
            List<String> values = new ArrayList<>();
            request.getHeaders(name).forEach(values::add);
            headers.put(name, values);
        }
        String requestPath = request.getRequestURI();
        return new HttpRoute.Request(request.getMethod().getMethodString().toUpperCase(Locale.ROOT),
                requestPath == null || requestPath.isEmpty() ? "/" : requestPath, query, headers,
                request.getRemoteAddr());
    }

    private static HttpRoute.Response error(int status, String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("code", code).put("message", message);
        return HttpRoute.Response.json(status, body.toString());
    }

    private static void write(Response response, HttpRoute.Response answer, boolean headOnly) throws IOException {
        response.setStatus(answer.status());
        answer.headers().forEach(response::setHeader);
        response.setContentLength(answer.body().length);
        // set as a raw header: Grizzly drops setContentType() on requests that offered an upgrade (the JDK's
        // HttpClient offers h2c on every request)
        response.getResponse().getHeaders().setValue("Content-Type").setString(answer.contentType());
        if (!headOnly) {
            OutputStream out = response.getOutputStream();
            out.write(answer.body());
            out.flush();
        }
    }

    private record Mapping(String path, boolean prefix, HttpRoute route) {
        static Mapping of(String pattern, HttpRoute route) {
            if (pattern.endsWith("/*")) {
                return new Mapping(pattern.substring(0, pattern.length() - 1), true, route);
            }
            return new Mapping(pattern, false, route);
        }

        boolean matches(String requestPath) {
            if (!prefix) {
                return requestPath.equals(path);
            }
            // "/api/*" serves "/api" and everything below "/api/"
            return requestPath.startsWith(path) || requestPath.equals(path.substring(0, path.length() - 1));
        }
    }

    /** Configures a {@link WorldWsServer}. Not thread-safe; build once. */
    public static final class Builder {
        private final WorldWsEngine engine;
        private String host = "127.0.0.1";
        private int port = 8080;
        private String path = WorldWsEndpoints.DEFAULT_PATH;
        private boolean webSocketEnabled = true;
        private boolean closeEngineOnStop;
        private int httpThreads = 2;
        private final List<Mapping> routes = new ArrayList<>();

        private Builder(WorldWsEngine engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
        }

        /** The address to bind; {@code 127.0.0.1} by default, {@code 0.0.0.0} for every interface. */
        public Builder host(String value) {
            this.host = Objects.requireNonNull(value, "host");
            return this;
        }

        /** The port to bind; 8080 by default, 0 picks a free one ({@link WorldWsServer#port()} tells which). */
        public Builder port(int value) {
            if (value < 0 || value > 65_535) {
                throw new IllegalArgumentException("port must be between 0 and 65535 (was " + value + ")");
            }
            this.port = value;
            return this;
        }

        /** The WebSocket endpoint's path; {@code /ws} by default. */
        public Builder path(String value) {
            Objects.requireNonNull(value, "path");
            if (!value.startsWith("/")) {
                throw new IllegalArgumentException("path must start with '/' (was \"" + value + "\")");
            }
            this.path = value;
            return this;
        }

        /** Whether the WebSocket endpoint is served ({@code true} by default); HTTP routes are served either way. */
        public Builder webSocketEnabled(boolean value) {
            this.webSocketEnabled = value;
            return this;
        }

        /** Whether {@link WorldWsServer#stop()} also closes the engine; {@code false} by default. */
        public Builder closeEngineOnStop(boolean value) {
            this.closeEngineOnStop = value;
            return this;
        }

        /** Threads that run HTTP routes (2 by default). */
        public Builder httpThreads(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("httpThreads must be at least 1 (was " + value + ")");
            }
            this.httpThreads = value;
            return this;
        }

        /**
         * Serves {@code route} at {@code pattern}: an exact path ({@code /health}) or a prefix ending in
         * {@code /*} ({@code /api/*}, or {@code /*} for everything else). Exact paths win over prefixes, longer
         * prefixes over shorter ones. Unmatched paths get a JSON 404.
         */
        public Builder route(String pattern, HttpRoute route) {
            Objects.requireNonNull(pattern, "pattern");
            Objects.requireNonNull(route, "route");
            if (!pattern.startsWith("/")) {
                throw new IllegalArgumentException("route pattern must start with '/' (was \"" + pattern + "\")");
            }
            routes.add(Mapping.of(pattern, route));
            return this;
        }

        public WorldWsServer build() {
            return new WorldWsServer(this);
        }
    }
}
