package dev.worldws.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.worldws.api.TemplateName;
import dev.worldws.api.UserId;
import dev.worldws.api.WorldKey;
import dev.worldws.api.WorldName;
import dev.worldws.api.protocol.CloseCodes;
import dev.worldws.api.protocol.WorldSelect;
import dev.worldws.api.spi.Handshake;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.core.store.WorldStores;
import dev.worldws.testkit.ManualClock;
import dev.worldws.testkit.RecordingClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Deleting a guest's worlds against a reconnect and a late world_select. Every task of the engine runs on a
 * {@link ManualExecutor}, so each interleaving is driven step by step on the test thread.
 */
@DisplayName("deleting a guest's worlds races with nothing")
class GuestDeletionRaceTest {
    private static final Duration GRACE = Duration.ofSeconds(10);
    private static final WorldName WORLD = WorldName.of("w");

    private final ManualClock clock = ManualClock.startingAtEpochOf2026();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final ManualExecutor executor = new ManualExecutor();
    private final WorldStore store = WorldStores.inMemory(TestWorlds.templates(), clock);
    private DefaultEngine engine;

    private DefaultEngine start(Duration grace) {
        engine = (DefaultEngine) WorldWsEngine.builder().store(store).clock(clock).scheduler(scheduler)
                .executor(executor).storageExecutor(executor).authenticator(TestWorlds.BY_HEADER)
                .anonymousGracePeriod(grace).build();
        return engine;
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.shutdown(Duration.ZERO);
            executor.runAll();
        }
    }

    private Connection connectGuest(RecordingTransport transport) {
        Connection connection = (Connection) engine.open(transport, engine.authenticate(Handshake.empty()));
        executor.runAll();
        return connection;
    }

    @Test
    @DisplayName("a resume that passed the handshake as the grace ended is closed with 1013, and the worlds still go")
    void reconnectDuringDeletion() {
        start(GRACE);
        Connection first = connectGuest(new RecordingTransport());
        UserId guest = first.principal.userId();
        first.onText(RecordingClient.requestFrame("world_select", "r1",
                Map.of("templateName", "garden", "worldName", WORLD.value())));
        executor.runAll();
        assertThat(store.exists(new WorldKey(guest, WORLD))).isTrue();
        first.onClose(CloseCodes.NORMAL, "bye");
        executor.runAll();

        Principal resumed = engine.authenticate(TestWorlds.resume(first.resumeToken));
        assertThat(resumed.userId()).as("within the grace period the token resumes").isEqualTo(guest);
        scheduler.advance(GRACE);
        assertThat(executor.queued()).as("the deletion is due").isEqualTo(1);
        executor.runNext(); // the deletion has marked the guest deleting; its files are not gone yet

        RecordingTransport second = new RecordingTransport();
        engine.open(second, resumed);
        executor.runAll();

        assertThat(second.closeCode()).isEqualTo(CloseCodes.TRY_AGAIN_LATER);
        assertThat(second.sent()).as("never told it is connected").isEmpty();
        assertThat(store.exists(new WorldKey(guest, WORLD))).as("the worlds are deleted all the same").isFalse();
        assertThat(store.listUsers()).doesNotContain(guest);
        assertThat(engine.stats().connections()).isZero();
        assertThat(engine.authenticate(TestWorlds.resume(first.resumeToken)).userId())
                .as("the reconnect is a new guest").isNotEqualTo(guest);
    }

    @Test
    @DisplayName("grace 0: a world_select that passed isOpen() as the deletion began creates no world")
    void lateSelectDuringDeletion() {
        start(Duration.ZERO);
        Connection connection = connectGuest(new RecordingTransport());
        UserId guest = connection.principal.userId();
        connection.onClose(CloseCodes.NORMAL, "bye");
        assertThat(executor.queued()).as("the deletion is queued at once").isEqualTo(1);
        executor.runNext(); // collected the (no) runtimes; deleting the user space is queued

        engine.select(connection, new WorldSelect(TemplateName.of("garden"), WORLD, true, null, null), "late");
        executor.runAll();

        assertThat(store.exists(new WorldKey(guest, WORLD))).isFalse();
        assertThat(store.listUsers()).doesNotContain(guest);
        assertThat(engine.stats().worldsLoaded()).isZero();
    }

    @Test
    @DisplayName("grace 0: a world_select that runs after the guest's deletion finished creates no world")
    void lateSelectAfterDeletion() {
        start(Duration.ZERO);
        Connection connection = connectGuest(new RecordingTransport());
        UserId guest = connection.principal.userId();
        connection.onClose(CloseCodes.NORMAL, "bye");
        executor.runAll();

        engine.select(connection, new WorldSelect(TemplateName.of("garden"), WORLD, true, null, null), "late");
        executor.runAll();

        assertThat(store.exists(new WorldKey(guest, WORLD))).isFalse();
        assertThat(store.listUsers()).doesNotContain(guest);
        assertThat(engine.stats().worldsLoaded()).isZero();
    }
}
