package dev.worldws.bench;

import dev.worldws.api.UserId;
import dev.worldws.api.WorldKey;
import dev.worldws.api.event.StreamEvent;
import dev.worldws.core.ConnectionHandler;
import dev.worldws.core.Principal;
import dev.worldws.core.WorldWsEngine;
import dev.worldws.core.store.WorldStores;
import dev.worldws.testkit.SampleWorlds;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Routing one world event to every connection of that world, through the real engine: the bus sequences it,
 * each connection's filter passes it, it is encoded and queued, and every transport has been handed the frame.
 * The transports are in memory (a send completes at once), so this is the core's own cost per event.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RoutingBenchmark {
    /** Connections of one user to one world. */
    @Param({"1", "20", "200"})
    public int connections;

    private WorldWsEngine engine;
    private WorldKey world;
    private final List<CountingTransport> transports = new ArrayList<>();
    private volatile CountDownLatch delivered;
    private long sequence;

    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
        engine = WorldWsEngine.builder().store(WorldStores.inMemory(SampleWorlds.templates(), Clock.systemUTC())).build();
        Principal user = new Principal(UserId.of("bench-user"), false);
        world = WorldKey.of("bench-user", "home");
        CountDownLatch selected = new CountDownLatch(connections);
        for (int i = 0; i < connections; i++) {
            CountingTransport t = new CountingTransport(selected);
            transports.add(t);
            ConnectionHandler handler = engine.open(t, user);
            handler.onText("{\"type\":\"world_select\",\"id\":\"s\",\"payload\":{\"templateName\":\"garden\",\"worldName\":\"home\"}}");
        }
        if (!selected.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("not every connection selected the world");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
    }

    @Benchmark
    public void routeOneChunkToAllConnections() throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(connections);
        delivered = latch;
        engine.eventBus().publish(new StreamEvent(world, "chat-1", 0, Instant.now(), "gardener",
                "reply-" + (sequence++), "msg-1", StreamEvent.Kind.CHUNK, "a few words "));
        if (!latch.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the event did not reach every connection");
        }
    }

    /** Counts chat_response frames down on the current round's latch. */
    private final class CountingTransport extends ImmediateTransport {
        CountingTransport(CountDownLatch selected) {
            super(selected);
        }

        @Override
        void onFrame(String text) {
            if (text.startsWith("{\"type\":\"chat_response\"")) {
                CountDownLatch latch = delivered;
                if (latch != null) {
                    latch.countDown();
                }
            }
        }
    }
}
