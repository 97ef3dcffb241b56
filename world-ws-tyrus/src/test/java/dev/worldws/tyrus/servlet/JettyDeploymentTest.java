package dev.worldws.tyrus.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.worldws.api.AuthenticationException;
import dev.worldws.api.UserId;
import dev.worldws.api.spi.Identity;
import dev.worldws.core.WorldWsEngine;
import dev.worldws.tyrus.TestEngines;
import dev.worldws.tyrus.TestSockets;
import jakarta.servlet.ServletContext;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the endpoint deployed unchanged in embedded Jetty 12 (ee10)")
class JettyDeploymentTest {
    private static final int LIMIT = 1024;

    private Server jetty;
    private WorldWsEngine engine;
    private URI uri;

    @BeforeEach
    void start() throws Exception {
        engine = TestEngines.echo(handshake -> {
            String token = handshake.bearerToken().orElse(null);
            if (token == null) {
                return Identity.anonymous();
            }
            if (token.equals("good")) {
                return Identity.known(UserId.of("alice"));
            }
            throw new AuthenticationException("token refused: expired at 2026-01-01T00:00:00Z");
        }, LIMIT);
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/app");
        context.setInitParameter(WorldWsServletDeployment.PATH_PARAMETER, "/worlds");
        JakartaWebSocketServletContainerInitializer.configure(context, null);
        context.addEventListener(new WorldWsServletContextListener() {
            @Override
            protected WorldWsEngine createEngine(ServletContext servletContext) {
                return engine;
            }
        });
        jetty.setHandler(context);
        jetty.start();
        uri = URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/app/worlds");
    }

    @AfterEach
    void stop() throws Exception {
        jetty.stop();
    }

    @Test
    @DisplayName("the listener deploys at the configured path and text flows both ways")
    void echo() throws Exception {
        try (TestSockets.Socket socket = TestSockets.connect(uri.resolve("/app/worlds?token=good"))) {
            assertThat(socket.next()).isEqualTo("connected alice");
            socket.send("hello");
            assertThat(socket.next()).isEqualTo("echo hello");
        }
    }

    @Test
    @DisplayName("a refused token closes with 4401 and the reason")
    void refused() {
        try (TestSockets.Socket socket = TestSockets.connect(URI.create(uri + "?token=expired"))) {
            assertThat(socket.awaitClose()).isEqualTo(4401);
            assertThat(socket.closeReason()).contains("expired at");
        }
    }

    @Test
    @DisplayName("an oversized text and a binary frame are reported and the connection stays usable")
    void tooLargeAndBinary() throws Exception {
        try (TestSockets.Socket socket = TestSockets.connect(uri)) {
            socket.next();
            socket.send("y".repeat(LIMIT + 5));
            assertThat(socket.next()).isEqualTo("too large");
            socket.sendBinary(ByteBuffer.wrap(new byte[] {9}));
            assertThat(socket.next()).isEqualTo("binary refused");
            socket.send("ok");
            assertThat(socket.next()).isEqualTo("echo ok");
        }
    }

    @Test
    @DisplayName("a burst of sends on one connection arrives complete and in order (no overlapping writes)")
    void burst() throws Exception {
        try (TestSockets.Socket socket = TestSockets.connect(uri)) {
            socket.next();
            for (int i = 0; i < 200; i++) {
                socket.send("m" + i);
            }
            for (int i = 0; i < 200; i++) {
                assertThat(socket.next()).isEqualTo("echo m" + i);
            }
        }
    }

    @Test
    @DisplayName("stopping the web application shuts the engine down gracefully")
    void contextStop() throws Exception {
        TestSockets.Socket socket = TestSockets.connect(uri);
        socket.next();
        jetty.stop();
        // what matters is that the engine is shut down (worlds saved); how the socket ends is Jetty's business:
        // it drops its sessions around the time listeners are destroyed, with 1001, 1006 or a late TCP close
        assertThat(TestEngines.shutdownCalled(engine).get(5, TimeUnit.SECONDS)).isEqualTo(Duration.ofSeconds(5));
        socket.close();
    }
}
