package dev.worldws.tyrus.servlet;

import dev.worldws.core.WorldWsEngine;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs world-ws inside a web application: extend it, create your engine in {@link #createEngine}, and register
 * the subclass ({@code @WebListener}, {@code web.xml} or programmatically). On start it deploys the endpoint at
 * the path of the {@value WorldWsServletDeployment#PATH_PARAMETER} context parameter ({@code /ws} by default) and
 * publishes the engine as the context attribute {@link WorldWsServletDeployment#ENGINE_ATTRIBUTE}; on stop it
 * shuts the engine down gracefully (clients told, worlds saved, connections closed with 1001).
 */
public abstract class WorldWsServletContextListener implements ServletContextListener {
    private static final System.Logger LOG = System.getLogger(WorldWsServletContextListener.class.getName());

    private volatile WorldWsEngine engine;

    /** Creates the engine for this web application; called once, at context start. */
    protected abstract WorldWsEngine createEngine(ServletContext context);

    /** How long in-flight replies may take at shutdown (5 s unless overridden). */
    protected Duration shutdownGrace() {
        return Duration.ofSeconds(5);
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        WorldWsEngine created = createEngine(context);
        String path = WorldWsServletDeployment.configuredPath(context);
        try {
            WorldWsServletDeployment.deploy(context, created, path);
        } catch (RuntimeException e) {
            created.close();
            throw e;
        }
        engine = created;
        context.setAttribute(WorldWsServletDeployment.ENGINE_ATTRIBUTE, created);
        LOG.log(System.Logger.Level.INFO, () -> "world-ws endpoint deployed at " + context.getContextPath() + path);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        WorldWsEngine running = engine;
        engine = null;
        if (running == null) {
            return;
        }
        Duration grace = shutdownGrace();
        try {
            running.shutdown(grace).toCompletableFuture().get(grace.toMillis() + 10_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "world-ws engine did not shut down cleanly: " + e, e);
        }
    }
}
