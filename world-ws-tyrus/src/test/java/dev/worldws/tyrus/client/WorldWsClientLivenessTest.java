package dev.worldws.tyrus.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.worldws.api.spi.Authenticator;
import dev.worldws.api.spi.Transport;
import dev.worldws.core.ConnectionHandler;
import dev.worldws.core.Principal;
import dev.worldws.tyrus.TestEngines;
import dev.worldws.tyrus.WorldWsServer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("WorldWsClient liveness")
class WorldWsClientLivenessTest {

    @Test
    @DisplayName("a server that stops answering pings is given up on and reconnected to")
    void silentServer() throws Exception {
        AtomicInteger opened = new AtomicInteger();
        // an engine that greets and then never answers anything, like a hung server behind a live socket
        var silent = TestEngines.silent(Authenticator.anonymous(), (Transport transport, Principal principal) -> {
            opened.incrementAndGet();
            transport.send("{\"type\":\"connected\",\"payload\":{\"clientId\":\"" + transport.id()
                    + "\",\"userId\":\"" + principal.userId().value() + "\",\"anonymous\":true}}");
            return new ConnectionHandler() {
                @Override
                public void onText(String text) {}

                @Override
                public void onBinary(int length) {}

                @Override
                public void onTooLarge(long length) {}

                @Override
                public void onPong() {}

                @Override
                public void onClose(int code, String reason) {}
            };
        });
        WorldWsServer server = WorldWsServer.builder(silent).port(0).build().start();
        BlockingQueue<WorldWsClient.State> states = new LinkedBlockingQueue<>();
        try (WorldWsClient client = WorldWsClient.builder(server.webSocketUri())
                .pingInterval(Duration.ofMillis(200)).requestTimeout(Duration.ofMillis(300))
                .reconnect(new ReconnectPolicy(Duration.ofMillis(20), Duration.ofMillis(100), 0)).build()) {
            client.onStateChange(states::add);
            assertThat(client.connect().get(5, TimeUnit.SECONDS).is("connected")).isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (opened.get() < 2 && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
            }
            assertThat(opened.get()).as("connections opened").isGreaterThanOrEqualTo(2);
            assertThat(states).contains(WorldWsClient.State.RECONNECTING);
        } finally {
            server.stop();
        }
    }
}
