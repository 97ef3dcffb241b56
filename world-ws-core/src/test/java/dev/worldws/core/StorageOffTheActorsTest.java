package dev.worldws.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.worldws.api.AgentId;
import dev.worldws.api.TemplateName;
import dev.worldws.api.UserId;
import dev.worldws.api.WorldKey;
import dev.worldws.api.WorldName;
import dev.worldws.api.spi.Handshake;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.api.world.World;
import dev.worldws.core.store.WorldStores;
import dev.worldws.testkit.ManualClock;
import dev.worldws.testkit.RecordingClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * World writes run on the storage executor, never on the actors' pool: a save that hangs on the disk does not hold
 * up any world's replies, a world's saves never overlap and the last snapshot wins, and unload, shutdown and a
 * guest's deletion wait for the save in flight.
 */
@DisplayName("the disk is kept off the worlds' threads")
class StorageOffTheActorsTest {
    private final ManualClock clock = ManualClock.startingAtEpochOf2026();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final HoldingStore store = new HoldingStore(WorldStores.inMemory(TestWorlds.templates(), clock));
    private final List<WorldWsEngine> engines = new ArrayList<>();
    private final ExecutorService workers = Executors.newFixedThreadPool(1);

    @AfterEach
    void stop() {
        store.release();
        engines.forEach(WorldWsEngine::close);
        workers.shutdownNow();
    }

    private WorldWsEngine start(WorldWsEngineBuilder builder) {
        WorldWsEngine engine = builder.store(store).clock(clock).scheduler(scheduler).authenticator(TestWorlds.BY_HEADER)
                .limits(Limits.defaults().withRate(100_000, 100_000)).build();
        engines.add(engine);
        return engine;
    }

    /**
     * The debounced save of {@code client}'s world, idle now, falls due. A round trip through the world's actor first:
     * the idle event can reach the client before the actor, which sent it, has scheduled the save.
     */
    private void idleSaveDue(WireClient client) {
        String id = client.send("chat_history", Map.of());
        client.nextMatching(m -> id.equals(m.path("replyTo").asText()));
        scheduler.advance(Duration.ofMillis(WorldRuntime.SAVE_DELAY_MILLIS));
    }

    private static String agentMemory(World world) {
        return world.agent(AgentId.of("smith")).orElseThrow().memory().toString();
    }

    @Test
    @DisplayName("a save stuck on the disk holds up neither its own world's replies nor other worlds'")
    void stuckSaveBlocksNoReply() throws Exception {
        WorldWsEngine engine = start(WorldWsEngine.builder().executor(workers));
        WireClient ann = WireClient.connect(engine, TestWorlds.user("ann"));
        ann.select("workshop", "w");
        List<WireClient> others = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            WireClient other = WireClient.connect(engine, TestWorlds.user("u" + i));
            other.select("workshop", "w");
            others.add(other);
        }
        store.holdSaves();
        ann.chat("first");
        ann.untilIdle();
        idleSaveDue(ann);
        assertThat(store.started.poll(10, TimeUnit.SECONDS)).as("ann's save is on the disk").isNotNull();

        // the worlds share one worker thread: were the save on it, none of these could be answered
        ann.chat("second");
        assertThat(ann.untilIdle()).anyMatch(m -> m.path("payload").path("kind").asText().equals("end"));
        for (WireClient other : others) {
            other.chat("hello");
            assertThat(other.untilIdle()).anyMatch(m -> m.path("payload").path("kind").asText().equals("end"));
        }
        assertThat(store.finished).as("still stuck").isEmpty();
        store.release();
        engine.shutdown(Duration.ZERO).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(agentMemory(store.load(WorldKey.of("ann", "w")))).contains("first", "second");
    }

    @Test
    @DisplayName("the builder's save delay: a world is written when that delay after going idle falls due, not before")
    void saveDelayFromTheBuilder() throws Exception {
        ExecutorService disk = Executors.newSingleThreadExecutor();
        try {
            WorldWsEngine engine = start(WorldWsEngine.builder().executor(workers).storageExecutor(disk)
                    .saveDelay(Duration.ofSeconds(3)));
            WireClient cy = WireClient.connect(engine, TestWorlds.user("cy"));
            cy.select("workshop", "w");
            cy.chat("remember me");
            cy.untilIdle();
            idleSaveDue(cy); // the default delay: one second
            String sync = cy.send("chat_history", Map.of());
            cy.nextMatching(m -> sync.equals(m.path("replyTo").asText()));
            disk.submit(() -> null).get(10, TimeUnit.SECONDS); // a save handed over by now would have started
            assertThat(store.started).as("not written a second after going idle").isEmpty();

            scheduler.advance(Duration.ofSeconds(2));
            World written = store.started.poll(10, TimeUnit.SECONDS);
            assertThat(written).as("written three seconds after going idle").isNotNull();
            assertThat(agentMemory(written)).contains("remember me");
        } finally {
            disk.shutdownNow();
        }
    }

    @Test
    @DisplayName("a builder's save delay must be positive")
    void saveDelayMustBePositive() {
        assertThatThrownBy(() -> WorldWsEngine.builder().saveDelay(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("saveDelay");
    }

    @Test
    @DisplayName("a world's saves never overlap, and while one runs only the latest snapshot waits")
    void savesInOrderLastWins() throws Exception {
        WorldWsEngine engine = start(WorldWsEngine.builder().executor(workers));
        WireClient bo = WireClient.connect(engine, TestWorlds.user("bo"));
        bo.select("workshop", "w");
        store.holdSaves();
        bo.chat("one");
        bo.untilIdle();
        idleSaveDue(bo);
        assertThat(store.started.poll(10, TimeUnit.SECONDS)).isNotNull();
        for (String text : List.of("two", "three")) {
            bo.chat(text);
            bo.untilIdle();
            idleSaveDue(bo);
        }
        // the saves handed over while the first runs are on the actor before it answers this
        String sync = bo.send("chat_history", Map.of());
        bo.nextMatching(m -> sync.equals(m.path("replyTo").asText()));
        store.release();
        engine.shutdown(Duration.ZERO).toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(store.maxConcurrent.get()).as("never two saves of the world at once").isEqualTo(1);
        assertThat(store.finished).as("the first, then only the latest of the two waiting").hasSize(2);
        assertThat(agentMemory(store.finished.get(0))).contains("one").doesNotContain("two");
        assertThat(agentMemory(store.finished.get(1))).contains("one", "two", "three");
        assertThat(agentMemory(store.load(WorldKey.of("bo", "w")))).contains("three");
    }

    @Test
    @DisplayName("shutdown completes only after the save in flight is written")
    void shutdownWaitsForTheSave() throws Exception {
        WorldWsEngine engine = start(WorldWsEngine.builder().executor(workers));
        WireClient cy = WireClient.connect(engine, TestWorlds.user("cy"));
        cy.select("workshop", "w");
        store.holdSaves();
        cy.chat("keep me");
        cy.untilIdle();
        idleSaveDue(cy);
        assertThat(store.started.poll(10, TimeUnit.SECONDS)).isNotNull();

        AtomicInteger writtenWhenStopped = new AtomicInteger(-1);
        CompletableFuture<Void> stopped = engine.shutdown(Duration.ZERO).toCompletableFuture()
                .whenComplete((ignored, failure) -> writtenWhenStopped.set(store.finished.size()));
        Await.until("the connection is closed", () -> engine.stats().connections() == 0);
        assertThat(stopped).as("the world is still unloading").isNotDone();
        assertThat(engine.stats().worldsLoaded()).as("unloading worlds count until written").isEqualTo(1);

        store.release();
        stopped.get(10, TimeUnit.SECONDS);
        assertThat(writtenWhenStopped.get()).isEqualTo(1);
        assertThat(agentMemory(store.load(WorldKey.of("cy", "w")))).contains("keep me");
    }

    @Test
    @DisplayName("a world with nothing to write unloads at once, even while every storage thread is busy with others' selects")
    void unloadDoesNotQueueBehindSelects() throws Exception {
        ExecutorService oneStorageThread = Executors.newSingleThreadExecutor();
        try {
            WorldWsEngine engine = start(WorldWsEngine.builder().executor(workers).storageExecutor(oneStorageThread));
            WireClient ann = WireClient.connect(engine, TestWorlds.user("ann"));
            ann.select("workshop", "w");
            int loadedWithAnn = engine.stats().worldsLoaded();

            store.clonesStarted.clear();
            store.holdClones();
            WireClient bo = WireClient.connect(engine, TestWorlds.user("bo"));
            bo.send("world_select", Map.of("templateName", "workshop", "worldName", "w"));
            assertThat(store.clonesStarted.poll(10, TimeUnit.SECONDS)).as("bo's clone holds the storage thread")
                    .isEqualTo(WorldKey.of("bo", "w"));
            int loadedWithBo = engine.stats().worldsLoaded();

            ann.close();
            Await.until("ann's world is unloaded while bo's clone still holds the storage thread",
                    () -> engine.stats().worldsLoaded() == loadedWithBo - 1);
            assertThat(loadedWithAnn).isEqualTo(1);
            store.release();
        } finally {
            store.release();
            oneStorageThread.shutdownNow();
        }
    }

    @Test
    @DisplayName("a guest's world is deleted after its save in flight, and no late save brings it back")
    void deletedGuestWorldStaysDeleted() throws Exception {
        WorldWsEngine engine = start(WorldWsEngine.builder().executor(workers).anonymousGracePeriod(Duration.ZERO));
        WireClient guest = WireClient.connect(engine, Handshake.empty());
        UserId user = UserId.of(guest.userId());
        guest.select("workshop", "w");
        store.holdSaves();
        guest.chat("forget me");
        guest.untilIdle();
        idleSaveDue(guest);
        assertThat(store.started.poll(10, TimeUnit.SECONDS)).isNotNull();
        guest.send("chat_send", Map.of("content", "one more")); // a change the unload would save
        guest.close();
        Await.until("the connection is closed", () -> engine.stats().connections() == 0);
        assertThat(store.deletedUsers).as("the deletion waits for the save").isEmpty();

        store.release();
        Await.until("the guest is deleted", () -> store.deletedUsers.contains(user));
        engine.shutdown(Duration.ZERO).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(store.exists(new WorldKey(user, WorldName.of("w")))).isFalse();
        assertThat(store.listUsers()).doesNotContain(user);
    }

    @Test
    @DisplayName("a world that never goes idle is still written once its oldest change is "
            + WorldRuntime.SAVE_MAX_DELAY_MILLIS + " ms old")
    void sustainedChatIsSavedWithinTheMaxDelay() {
        ManualExecutor executor = new ManualExecutor();
        DefaultEngine engine = (DefaultEngine) WorldWsEngine.builder().store(store).clock(clock).scheduler(scheduler)
                .executor(executor).storageExecutor(executor).authenticator(TestWorlds.BY_HEADER)
                .responder((request, listener) -> new CompletableFuture<>()) // replies never end: never idle
                .build();
        RecordingTransport transport = new RecordingTransport();
        Connection connection = (Connection) engine.open(transport, engine.authenticate(TestWorlds.user("dee")));
        connection.onText(RecordingClient.requestFrame("world_select", "s", Map.of("templateName", "workshop",
                "worldName", "w")));
        executor.runAll();
        connection.onText(RecordingClient.requestFrame("chat_send", "c1", Map.of("content", "first")));
        executor.runAll();
        clock.advance(Duration.ofMillis(WorldRuntime.SAVE_MAX_DELAY_MILLIS - 1));
        connection.onText(RecordingClient.requestFrame("chat_send", "c2", Map.of("content", "second")));
        executor.runAll();
        assertThat(store.finished).as("not due yet").isEmpty();

        clock.advance(Duration.ofMillis(1));
        connection.onText(RecordingClient.requestFrame("chat_send", "c3", Map.of("content", "third")));
        executor.runAll();
        assertThat(store.finished).hasSize(1);
        assertThat(agentMemory(store.finished.get(0))).contains("first", "second", "third");
        engine.shutdown(Duration.ZERO);
        executor.runAll();
    }

    /** A store whose saves can be held until released; records the saves it wrote and the users it deleted. */
    static final class HoldingStore implements WorldStore {
        private final WorldStore delegate;
        private volatile CountDownLatch gate = new CountDownLatch(0);
        private volatile CountDownLatch cloneGate = new CountDownLatch(0);
        final LinkedBlockingQueue<WorldKey> clonesStarted = new LinkedBlockingQueue<>();
        private final AtomicInteger concurrent = new AtomicInteger();
        final AtomicInteger maxConcurrent = new AtomicInteger();
        final LinkedBlockingQueue<World> started = new LinkedBlockingQueue<>();
        final List<World> finished = new CopyOnWriteArrayList<>();
        final List<UserId> deletedUsers = new CopyOnWriteArrayList<>();

        HoldingStore(WorldStore delegate) {
            this.delegate = delegate;
        }

        void holdSaves() {
            gate = new CountDownLatch(1);
        }

        void holdClones() {
            cloneGate = new CountDownLatch(1);
        }

        void release() {
            gate.countDown();
            cloneGate.countDown();
        }

        @Override
        public void save(WorldKey key, World world) {
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            try {
                started.add(world);
                if (!gate.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("save held for 30 s");
                }
                delegate.save(key, world);
                finished.add(world);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                concurrent.decrementAndGet();
            }
        }

        @Override
        public void deleteUserSpace(UserId user) {
            delegate.deleteUserSpace(user);
            deletedUsers.add(user);
        }

        @Override
        public List<TemplateName> listTemplates() {
            return delegate.listTemplates();
        }

        @Override
        public boolean templateExists(TemplateName template) {
            return delegate.templateExists(template);
        }

        @Override
        public World loadTemplate(TemplateName template) {
            return delegate.loadTemplate(template);
        }

        @Override
        public void createUserSpace(UserId user) {
            delegate.createUserSpace(user);
        }

        @Override
        public List<UserId> listUsers() {
            return delegate.listUsers();
        }

        @Override
        public World cloneFromTemplate(TemplateName template, WorldKey target) {
            clonesStarted.add(target);
            try {
                if (!cloneGate.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("clone held for 30 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return delegate.cloneFromTemplate(template, target);
        }

        @Override
        public World load(WorldKey key) {
            return delegate.load(key);
        }

        @Override
        public List<WorldName> listWorlds(UserId user) {
            return delegate.listWorlds(user);
        }

        @Override
        public boolean exists(WorldKey key) {
            return delegate.exists(key);
        }

        @Override
        public boolean delete(WorldKey key) {
            return delegate.delete(key);
        }
    }
}
