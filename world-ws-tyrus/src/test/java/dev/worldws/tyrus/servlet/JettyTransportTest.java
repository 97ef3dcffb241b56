package dev.worldws.tyrus.servlet;

import dev.worldws.core.Limits;
import dev.worldws.core.WorldWsEngine;
import dev.worldws.core.store.WorldStores;
import dev.worldws.testkit.JdkWebSockets;
import dev.worldws.testkit.RecordingClient;
import dev.worldws.testkit.TransportContract;
import jakarta.servlet.ServletContext;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** The transport contract over real loopback sockets: the same endpoint deployed in Jetty 12 (ee10). */
class JettyTransportTest extends TransportContract {
    private WorldWsEngine engine;
    private Server jetty;
    private URI uri;

    @Override
    protected void startServer(ServerSpec spec) throws Exception {
        engine = WorldWsEngine.builder()
                .store(WorldStores.inMemory(spec.templates(), Clock.systemUTC()))
                .limits(Limits.defaults().withMaxMessageBytes(spec.maxMessageBytes())
                        .withRate(spec.ratePerSecond(), spec.rateBurst())
                        .withMaxRejectedInARow(spec.maxRejectedInARow()))
                .build();
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        JakartaWebSocketServletContainerInitializer.configure(context, null);
        context.addEventListener(new WorldWsServletContextListener() {
            @Override
            protected WorldWsEngine createEngine(ServletContext servletContext) {
                return engine;
            }
        });
        jetty.setHandler(context);
        jetty.start();
        uri = URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/ws");
    }

    @Override
    protected RecordingClient connectClient(Map<String, String> query) {
        return JdkWebSockets.connect(uri, query, Map.of());
    }

    @Override
    protected int serverConnections() {
        return engine.stats().connections();
    }

    @Override
    protected void stopServer() throws Exception {
        engine.close(); // at once; the listener's graceful shutdown would wait out its grace period
        jetty.stop();
    }
}
