package dev.worldws.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.worldws.api.UserId;
import dev.worldws.core.ConnectionHandler;
import dev.worldws.core.Limits;
import dev.worldws.core.Principal;
import dev.worldws.core.WorldWsEngine;
import dev.worldws.core.store.WorldStores;
import dev.worldws.testkit.SampleWorlds;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The core's CPU per chat message, whatever else the machine is doing: users in their own worlds each send a
 * message per round and wait for the exchange's {@code idle}; the process's CPU time over the measured rounds,
 * divided by the messages, is the cost of one message through the real engine (decoding, sequencing, the agents'
 * streamed replies, encoding every frame, queueing it), with in-memory transports and store, so neither the
 * socket nor the disk is in it. CPU time rather than wall time: a busy machine slows the run down but does not
 * change the answer much, and the exchange's own timers (50 ms chunk gathering) cost no CPU.
 *
 * <p>Run: {@code java -cp world-ws-bench/target/benchmarks.jar dev.worldws.bench.ChatCpuPerMessage [users]
 * [warmupRounds] [rounds]} (defaults 200, 30, 60).
 */
public final class ChatCpuPerMessage {
    private static final String IDLE = "\"type\":\"idle\"";

    private ChatCpuPerMessage() {}

    public static void main(String[] args) throws Exception {
        int users = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        AtomicLong frames = new AtomicLong();
        // rounds follow each other as fast as the exchanges end: no rate limit, which would answer rate_limited
        try (WorldWsEngine engine = WorldWsEngine.builder()
                .store(WorldStores.inMemory(SampleWorlds.templates(), Clock.systemUTC()))
                .limits(Limits.defaults().withRate(1_000_000, 1_000_000)).build()) {
            List<IdleCounting> transports = new ArrayList<>();
            List<ConnectionHandler> handlers = new ArrayList<>();
            CountDownLatch selected = new CountDownLatch(users);
            for (int i = 0; i < users; i++) {
                IdleCounting transport = new IdleCounting(selected, frames);
                transports.add(transport);
                ConnectionHandler handler = engine.open(transport, new Principal(UserId.of("user-" + i), false));
                handlers.add(handler);
                handler.onText("{\"type\":\"world_select\",\"id\":\"s\",\"payload\":{\"templateName\":\"garden\","
                        + "\"worldName\":\"home\"}}");
            }
            if (!selected.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not every user selected a world");
            }
            for (int round = 0; round < warmup; round++) {
                round(handlers, transports, round);
            }
            long framesBefore = frames.get();
            long cpuBefore = os.getProcessCpuTime();
            long wallBefore = System.nanoTime();
            for (int round = 0; round < rounds; round++) {
                round(handlers, transports, warmup + round);
            }
            long cpu = os.getProcessCpuTime() - cpuBefore;
            long wall = System.nanoTime() - wallBefore;
            long messages = (long) users * rounds;
            System.out.printf("%d messages (%d users x %d rounds): %.1f us of process CPU per message, %.1f frames "
                    + "per message, %.2f cores busy over %.1f s%n", messages, users, rounds, cpu / 1e3 / messages,
                    (frames.get() - framesBefore) / (double) messages, cpu / (double) wall, wall / 1e9);
        }
    }

    private static void round(List<ConnectionHandler> handlers, List<IdleCounting> transports, int round)
            throws InterruptedException {
        CountDownLatch idle = new CountDownLatch(handlers.size());
        for (IdleCounting transport : transports) {
            transport.idle = idle;
        }
        for (ConnectionHandler handler : handlers) {
            handler.onText("{\"type\":\"chat_send\",\"id\":\"c" + round + "\",\"payload\":{\"content\":\"Good morning, "
                    + "how is the garden doing today? Round " + round + ".\"}}");
        }
        if (!idle.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("round " + round + ": " + idle.getCount() + " exchanges did not end");
        }
    }

    /** Counts frames and signals the exchange's idle. */
    private static final class IdleCounting extends ImmediateTransport {
        private final AtomicLong frames;
        volatile CountDownLatch idle;

        IdleCounting(CountDownLatch selected, AtomicLong frames) {
            super(selected);
            this.frames = frames;
        }

        @Override
        void onFrame(String text) {
            frames.incrementAndGet();
            if (text.startsWith("{\"type\":\"event_stream\"") && text.contains(IDLE)) {
                CountDownLatch latch = idle;
                if (latch != null) {
                    latch.countDown();
                }
            }
        }
    }
}
