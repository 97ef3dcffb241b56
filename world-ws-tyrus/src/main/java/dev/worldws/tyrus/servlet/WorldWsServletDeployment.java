package dev.worldws.tyrus.servlet;

import dev.worldws.core.WorldWsEngine;
import dev.worldws.tyrus.WorldWsEndpoints;
import jakarta.servlet.ServletContext;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;

/**
 * Registers the world-ws endpoint with the Jakarta WebSocket container of a servlet context. Call it from a
 * {@code ServletContextListener.contextInitialized} (the container is set up before listeners run):
 *
 * <pre>{@code
 * public void contextInitialized(ServletContextEvent event) {
 *     WorldWsServletDeployment.deploy(event.getServletContext(), engine, "/ws");
 * }
 * }</pre>
 */
public final class WorldWsServletDeployment {
    /** The servlet context attribute under which the container publishes its {@link ServerContainer}. */
    public static final String SERVER_CONTAINER_ATTRIBUTE = ServerContainer.class.getName();
    /** Context init parameter naming the endpoint's path; {@code /ws} if absent. */
    public static final String PATH_PARAMETER = "dev.worldws.path";
    /** Context attribute where {@link WorldWsServletContextListener} publishes its engine (for servlets, REST). */
    public static final String ENGINE_ATTRIBUTE = WorldWsEngine.class.getName();

    private WorldWsServletDeployment() {}

    /**
     * Adds the endpoint at {@code path} (relative to the context path).
     *
     * @return the deployed configuration
     * @throws IllegalStateException if the context has no WebSocket container (the container's WebSocket support
     *         is missing or not enabled for this context) or the deployment fails
     */
    public static ServerEndpointConfig deploy(ServletContext context, WorldWsEngine engine, String path) {
        Object attribute = context.getAttribute(SERVER_CONTAINER_ATTRIBUTE);
        if (!(attribute instanceof ServerContainer container)) {
            throw new IllegalStateException("no Jakarta WebSocket container in servlet context '"
                    + context.getContextPath() + "' (attribute " + SERVER_CONTAINER_ATTRIBUTE + " is "
                    + (attribute == null ? "missing" : attribute.getClass().getName())
                    + "): enable the container's WebSocket support for this web application");
        }
        ServerEndpointConfig config = WorldWsEndpoints.config(engine, path);
        try {
            container.addEndpoint(config);
        } catch (DeploymentException e) {
            throw new IllegalStateException("cannot deploy the world-ws endpoint at " + path + ": " + e.getMessage(), e);
        }
        return config;
    }

    /** The endpoint path configured by the {@value #PATH_PARAMETER} context parameter, or {@code /ws}. */
    public static String configuredPath(ServletContext context) {
        String path = context.getInitParameter(PATH_PARAMETER);
        return path == null || path.isBlank() ? WorldWsEndpoints.DEFAULT_PATH : path.trim();
    }
}
