package dev.worldws.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.worldws.api.WorldKey;
import dev.worldws.api.protocol.CloseCodes;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.core.store.WorldStores;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("shutdown(grace): grace is an upper bound, not a wait")
class ShutdownTest {
    /** Far longer than any test may take: a shutdown that waited for it would time out below. */
    private static final Duration LONG_GRACE = Duration.ofMinutes(10);
    private static final long BOUND_SECONDS = 10;

    private final WorldStore store = WorldStores.inMemory(TestWorlds.templates(), Clock.systemUTC());
    private final CompletableFuture<String> oracleReply = new CompletableFuture<>();
    private final List<WorldWsEngine> engines = new ArrayList<>();

    private WorldWsEngine start() {
        WorldWsEngine engine = WorldWsEngine.builder().store(store).authenticator(TestWorlds.BY_HEADER)
                .responder("failing", (request, listener) -> oracleReply).build();
        engines.add(engine);
        return engine;
    }

    @AfterEach
    void close() {
        oracleReply.complete("done");
        engines.forEach(WorldWsEngine::close);
    }

    @Test
    @DisplayName("with nothing in flight it completes at once, long before the grace, and saves the worlds")
    void idle() throws Exception {
        WorldWsEngine engine = start();
        WireClient client = WireClient.connect(engine, TestWorlds.user("quinn"));
        client.select("workshop", "w");
        client.chat("before the end");
        client.untilIdle();

        engine.shutdown(LONG_GRACE).toCompletableFuture().get(BOUND_SECONDS, TimeUnit.SECONDS);
        assertThat(client.nextOfType("status").path("payload").path("type").asText()).isEqualTo("server_shutdown");
        assertThat(client.raw.closed().toCompletableFuture().get(BOUND_SECONDS, TimeUnit.SECONDS).code())
                .isEqualTo(CloseCodes.GOING_AWAY);
        assertThat(store.load(WorldKey.of("quinn", "w")).agents().get(0).memory().toString()).contains("before the end");
    }

    @Test
    @DisplayName("with no connection at all it completes at once")
    void empty() throws Exception {
        start().shutdown(LONG_GRACE).toCompletableFuture().get(BOUND_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("a reply in flight is waited for; once it ends the clients get it, then 1001, without waiting the grace")
    void inFlight() throws Exception {
        WorldWsEngine engine = start();
        WireClient client = WireClient.connect(engine, TestWorlds.user("ruth"));
        client.select("broken", "b");
        client.chat("@oracle will you answer?");
        client.nextMatching(message -> message.path("type").asText().equals("chat_response")
                && message.path("payload").path("agentName").asText().equals("oracle")
                && message.path("payload").path("kind").asText().equals("start"));

        CompletableFuture<Void> stopped = engine.shutdown(LONG_GRACE).toCompletableFuture();
        client.nextMatching(message -> message.path("payload").path("type").asText().equals("server_shutdown"));
        assertThat(stopped).as("the reply is still running").isNotDone();
        assertThat(client.raw.isOpen()).isTrue();

        oracleReply.complete("I answer before the end.");
        stopped.get(BOUND_SECONDS, TimeUnit.SECONDS);
        JsonNode end = client.nextMatching(message -> message.path("type").asText().equals("chat_response")
                && message.path("payload").path("kind").asText().equals("end"));
        assertThat(end.path("payload").path("content").asText()).isEqualTo("I answer before the end.");
        assertThat(client.raw.closed().toCompletableFuture().get(BOUND_SECONDS, TimeUnit.SECONDS).code())
                .isEqualTo(CloseCodes.GOING_AWAY);
    }
}
