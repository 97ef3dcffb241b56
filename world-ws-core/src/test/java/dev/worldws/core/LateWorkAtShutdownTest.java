package dev.worldws.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.worldws.api.TemplateName;
import dev.worldws.api.UserId;
import dev.worldws.api.WorldKey;
import dev.worldws.api.WorldName;
import dev.worldws.api.protocol.CloseCodes;
import dev.worldws.api.protocol.WorldSelect;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.core.store.WorldStores;
import dev.worldws.testkit.ManualClock;
import dev.worldws.testkit.RecordingClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Work that is already queued or running when a connection or the engine closes; driven on a manual executor. */
@DisplayName("late work while closing")
class LateWorkAtShutdownTest {
    private final ManualClock clock = ManualClock.startingAtEpochOf2026();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final ManualExecutor executor = new ManualExecutor();
    private final WorldStore store = WorldStores.inMemory(TestWorlds.templates(), clock);
    private final DefaultEngine engine = (DefaultEngine) WorldWsEngine.builder().store(store).clock(clock)
            .scheduler(scheduler).executor(executor).storageExecutor(executor).authenticator(TestWorlds.BY_HEADER)
            .build();

    private static String select(String id, String world) {
        return RecordingClient.requestFrame("world_select", id, Map.of("templateName", "garden", "worldName", world));
    }

    @Test
    @DisplayName("a request queued before its connection began closing is not run")
    void queuedRequestDroppedWhileClosing() {
        RecordingTransport transport = new RecordingTransport();
        Connection connection = (Connection) engine.open(transport, engine.authenticate(TestWorlds.user("sam")));
        executor.runAll();
        transport.holdSends();
        connection.onText(RecordingClient.requestFrame("ping", "p1", Map.of())); // its pong stays in flight
        connection.onText(select("r1", "late")); // queued, not run yet
        connection.closeAfterFlush(CloseCodes.GOING_AWAY, "server is shutting down");

        executor.runAll();
        assertThat(store.exists(new WorldKey(UserId.of("sam"), WorldName.of("late")))).isFalse();
        assertThat(engine.stats().worldsLoaded()).isZero();

        transport.releaseHeldSends();
        assertThat(transport.closeCode()).isEqualTo(CloseCodes.GOING_AWAY);
        engine.shutdown(Duration.ZERO);
        executor.runAll();
    }

    @Test
    @DisplayName("the engine stops only after a world loaded by a select already running at shutdown has unloaded")
    void stopWaitsForLateWorld() {
        RecordingTransport transport = new RecordingTransport();
        Connection connection = (Connection) engine.open(transport, engine.authenticate(TestWorlds.user("sam")));
        connection.onText(select("r1", "first"));
        executor.runAll();
        assertThat(engine.stats().worldsLoaded()).isEqualTo(1);

        CompletableFuture<Integer> loadedWhenStopped = new CompletableFuture<>();
        engine.shutdown(Duration.ZERO).whenComplete((ignored, failure) ->
                loadedWhenStopped.complete(engine.stats().worldsLoaded()));
        assertThat(executor.queued()).isEqualTo(1);
        executor.runNext(); // closes the connection and waits for "first" to unload (queued on its actor)
        assertThat(transport.closeCode()).isEqualTo(CloseCodes.GOING_AWAY);

        // a world_select that had passed its checks before the close: it loads "second" now
        engine.select(connection, new WorldSelect(TemplateName.of("garden"), WorldName.of("second"), true, null, null),
                "r2");
        executor.runAll();

        assertThat(loadedWhenStopped).isCompletedWithValue(0);
        assertThat(engine.stats().worldsLoaded()).isZero();
    }
}
