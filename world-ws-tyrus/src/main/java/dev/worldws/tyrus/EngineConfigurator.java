package dev.worldws.tyrus;

import dev.worldws.api.AuthenticationException;
import dev.worldws.api.spi.Handshake;
import dev.worldws.core.Principal;
import dev.worldws.core.WorldWsEngine;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.lang.reflect.Method;

/**
 * Hands every connection its own {@link WorldWsEndpoint} bound to one engine, and authenticates the handshake.
 * No statics: several servers with different engines can live in one JVM.
 */
final class EngineConfigurator extends ServerEndpointConfig.Configurator {
    private static final System.Logger LOG = System.getLogger(EngineConfigurator.class.getName());

    private final WorldWsEngine engine;

    EngineConfigurator(WorldWsEngine engine) {
        this.engine = engine;
    }

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) {
        return endpointClass.cast(new WorldWsEndpoint(engine));
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        String remote = remoteAddress(request);
        Handshake handshake = new Handshake(request.getHeaders(), request.getParameterMap(), remote);
        HandshakeOutcome outcome;
        try {
            Principal principal = engine.authenticate(handshake);
            outcome = new HandshakeOutcome(principal, null, remote);
        } catch (AuthenticationException e) {
            outcome = new HandshakeOutcome(null, e.getMessage(), remote);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "authenticator failed for a handshake from " + remote + ": " + e, e);
            outcome = new HandshakeOutcome(null, "authentication failed on the server", remote);
        }
        config.getUserProperties().put(HandshakeOutcome.KEY, outcome);
    }

    /**
     * The standard API does not expose the peer's address at the handshake; Tyrus's request does
     * ({@code getRemoteAddr()}), and other containers are asked the same way when they offer it.
     */
    private static String remoteAddress(HandshakeRequest request) {
        try {
            Method method = request.getClass().getMethod("getRemoteAddr");
            Object value = method.invoke(request);
            return value == null ? "unknown" : value.toString();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "unknown";
        }
    }
}
