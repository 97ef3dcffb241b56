package dev.worldws.examples;

import dev.worldws.api.spi.Authenticator;
import dev.worldws.core.Heartbeat;
import dev.worldws.core.Limits;
import dev.worldws.core.WorldWsEngine;
import dev.worldws.core.auth.JwtAuthenticator;
import dev.worldws.core.store.StorageLayout;
import dev.worldws.core.store.WorldStores;
import dev.worldws.tyrus.WorldWsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;

/**
 * The reference server: one engine over a file store, served by {@link WorldWsServer} with the REST views and the
 * browser page on the same port. {@link Main} runs it from the command line; tests start it directly.
 */
public final class ReferenceServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ReferenceServer.class.getName());

    private final ServerConfig config;
    private final WorldWsEngine engine;
    private final WorldWsServer server;
    private volatile boolean shuttingDown;

    private ReferenceServer(ServerConfig config) {
        this.config = config;
        StorageLayout layout = new StorageLayout(config.dataDir());
        try {
            Files.createDirectories(layout.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + layout.dataDir() + ": " + e.getMessage(), e);
        }
        int seeded = TemplateSeeder.seedIfEmpty(layout.templatesDir());
        if (seeded > 0) {
            LOG.log(System.Logger.Level.INFO, () -> "seeded " + layout.templatesDir() + " with the sample templates");
        }
        Authenticator authenticator = config.jwtSecret()
                .<Authenticator>map(secret -> JwtAuthenticator.builder(secret).tokenRequired(config.tokenRequired()).build())
                .orElse(Authenticator.anonymous());
        this.engine = WorldWsEngine.builder()
                .store(WorldStores.files(layout.dataDir(), java.time.Clock.systemUTC(), config.durability(),
                        config.templateLinks().users()))
                .authenticator(authenticator)
                .limits(Limits.defaults().withMaxMessageBytes(config.maxMessageBytes()))
                .heartbeat(Heartbeat.of(config.heartbeatInterval(), config.heartbeatTimeout()))
                .anonymousGracePeriod(config.anonymousGrace())
                .saveDelay(config.saveDelay())
                .resumeTokenSecret(ResumeSecret.resolve(config.resumeSecret(), layout.dataDir()))
                .build();
        RestApi rest = new RestApi(engine, config, () -> !shuttingDown, Clock.systemUTC());
        this.server = WorldWsServer.builder(engine)
                .host(config.host())
                .port(config.port())
                .path(config.path())
                .webSocketEnabled(config.webSocketEnabled())
                .closeEngineOnStop(true)
                .route("/health", rest::health)
                .route("/api/templates", rest::templates)
                .route("/api/worlds", rest::worlds)
                .route("/api/stats", rest::stats)
                .route("/api/*", request -> RestApi.error(404, "not_found", "no resource at " + request.path()))
                .route("/*", new StaticFiles(config.path()))
                .build();
    }

    /**
     * Starts a server with {@code config}.
     *
     * @throws UncheckedIOException if the port cannot be bound or the data directory cannot be created
     * @throws IllegalArgumentException if the configuration is unusable (for example a JWT secret under 32 bytes)
     */
    public static ReferenceServer start(ServerConfig config) {
        ReferenceServer reference = new ReferenceServer(config);
        try {
            reference.server.start();
        } catch (RuntimeException e) {
            reference.engine.close();
            throw e;
        }
        return reference;
    }

    public int port() {
        return server.port();
    }

    public URI httpUri() {
        return server.httpUri();
    }

    public URI webSocketUri() {
        return server.webSocketUri();
    }

    public WorldWsEngine engine() {
        return engine;
    }

    public ServerConfig config() {
        return config;
    }

    /**
     * Graceful shutdown: {@code /health} turns 503, every client gets {@code status server_shutdown}, in-flight
     * replies get the configured grace, every world is saved, connections close with 1001, the port is released.
     */
    public void shutdown() {
        shuttingDown = true;
        server.shutdown(config.shutdownGrace());
    }

    /** Stops at once (worlds are still saved by the engine's close). */
    @Override
    public void close() {
        shuttingDown = true;
        server.stop();
    }

    /** A drop-in for tests that need a short grace. */
    public void shutdown(Duration grace) {
        shuttingDown = true;
        server.shutdown(grace);
    }
}
