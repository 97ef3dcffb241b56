package dev.worldws.tyrus;

import dev.worldws.core.WorldWsEngine;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.Objects;

/**
 * Creates the {@link ServerEndpointConfig} that deploys world-ws on any Jakarta WebSocket container:
 * {@code serverContainer.addEndpoint(WorldWsEndpoints.config(engine, "/ws"))}.
 */
public final class WorldWsEndpoints {
    /** The path the reference server and the examples use. */
    public static final String DEFAULT_PATH = "/ws";

    private WorldWsEndpoints() {}

    /**
     * A programmatic endpoint configuration at {@code path}, bound to {@code engine}.
     *
     * @param path the endpoint's path relative to the context root, starting with {@code /}
     */
    public static ServerEndpointConfig config(WorldWsEngine engine, String path) {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/' (was \"" + path + "\")");
        }
        return ServerEndpointConfig.Builder.create(WorldWsEndpoint.class, path)
                .configurator(new EngineConfigurator(engine))
                .build();
    }
}
