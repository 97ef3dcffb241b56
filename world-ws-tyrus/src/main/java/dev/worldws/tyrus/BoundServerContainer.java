package dev.worldws.tyrus;

import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;

/**
 * A Tyrus server container that lives on a Grizzly listener owned by {@link WorldWsServer}, instead of starting
 * its own: Tyrus's stock {@code Server} binds every interface whatever host it is given (tyrus issue #593), and
 * treats port 0 as 8025. Here the listener is bound by the caller, to exactly the host and port asked for, and the
 * container only registers endpoints with the Tyrus engine that the listener's {@code WebSocketAddOn} drives.
 */
final class BoundServerContainer extends TyrusServerContainer {
    private final WebSocketEngine engine;
    private volatile String contextPath = "/";

    BoundServerContainer(int incomingBufferSize) {
        super((Set<Class<?>>) null);
        this.engine = TyrusWebSocketEngine.builder(this).incomingBufferSize(incomingBufferSize).build();
        // no idle timeout, and no timer task per session for one (Tyrus schedules one at 0, none when negative)
        setDefaultMaxSessionIdleTimeout(-1);
    }

    @Override
    public void register(Class<?> endpointClass) throws DeploymentException {
        engine.register(endpointClass, contextPath);
    }

    @Override
    public void register(ServerEndpointConfig serverEndpointConfig) throws DeploymentException {
        engine.register(serverEndpointConfig, contextPath);
    }

    @Override
    public Map<String, Object> getProperties() {
        return Map.of();
    }

    @Override
    public WebSocketEngine getWebSocketEngine() {
        return engine;
    }

    /** Registers the endpoints added so far under {@code rootPath}; the listener is started by the caller. */
    @Override
    public void start(String rootPath, int port) throws IOException, DeploymentException {
        contextPath = rootPath;
        super.start(rootPath, port);
        doneDeployment();
    }
}
