package dev.worldws.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.worldws.api.protocol.CloseCodes;
import dev.worldws.api.spi.Handshake;
import dev.worldws.core.store.WorldStores;
import dev.worldws.testkit.ManualClock;
import dev.worldws.testkit.RecordingClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("a send that fails")
class SendFailureTest {
    private final ManualClock clock = ManualClock.startingAtEpochOf2026();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final ManualExecutor executor = new ManualExecutor();
    private final DefaultEngine engine = (DefaultEngine) WorldWsEngine.builder()
            .store(WorldStores.inMemory(TestWorlds.templates(), clock)).clock(clock).scheduler(scheduler)
            .executor(executor).storageExecutor(executor).authenticator(TestWorlds.BY_HEADER).build();

    @AfterEach
    void stop() {
        engine.shutdown(Duration.ZERO);
        executor.runAll();
    }

    @Test
    @DisplayName("closes the socket with 1011 and forgets the connection")
    void closesTheSocket() {
        RecordingTransport transport = new RecordingTransport();
        ConnectionHandler handler = engine.open(transport, engine.authenticate(TestWorlds.user("sam")));
        executor.runAll();
        assertThat(transport.sent()).as("connected").hasSize(1);

        transport.failNextSends(1);
        handler.onText(RecordingClient.requestFrame("ping", "p1", Map.of()));
        executor.runAll();

        assertThat(transport.closeCode()).isEqualTo(CloseCodes.INTERNAL_ERROR);
        assertThat(transport.isOpen()).isFalse();
        assertThat(engine.stats().connections()).isZero();
    }
}
