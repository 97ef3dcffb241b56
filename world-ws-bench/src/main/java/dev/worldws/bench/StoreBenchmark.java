package dev.worldws.bench;

import dev.worldws.api.TemplateName;
import dev.worldws.api.WorldKey;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.api.world.Agent;
import dev.worldws.api.world.EventLogEntry;
import dev.worldws.api.world.MemoryItem;
import dev.worldws.api.world.World;
import dev.worldws.core.store.WorldStores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * The file store on the real disk: saving a world after a chat turn (atomic writes, flushed) and when nothing
 * changed, loading it, and cloning a template into a user's space (what every {@code world_select} of a new world
 * costs).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StoreBenchmark {
    private static final String[] AGENTS = {"ada", "bruno", "chiara"};

    /** Entries in the world's event log per memory item of an agent (a chat's log holds every agent's messages). */
    private static final int EVENTS_PER_MEMORY_ITEM = 3;

    /** Memory items per agent in the saved world; its event log holds three times as many entries. */
    @Param({"10", "200"})
    public int memory;

    private Path dataDir;
    private WorldStore store;
    private WorldKey key;
    private World world;
    private long clones;
    private long turns;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dataDir = Files.createTempDirectory("world-ws-store-bench");
        writeTemplate(dataDir.resolve("worlds/bench-world"));
        store = WorldStores.files(dataDir);
        key = WorldKey.of("bench-user", "home");
        World loaded = store.cloneFromTemplate(TemplateName.of("bench-world"), key);
        for (String agentId : AGENTS) {
            Agent agent = loaded.agents().stream().filter(a -> a.config().id().value().equals(agentId)).findFirst().orElseThrow();
            for (int i = 0; i < memory; i++) {
                agent = agent.remember(new MemoryItem(i % 2 == 0 ? "user" : "assistant",
                        "message number " + i + " with a few words of content, like a chat reply would have",
                        Instant.parse("2026-11-25T18:00:00Z").plusSeconds(i), i % 2 == 0 ? "human" : agentId, "main",
                        "msg-" + i, null, agentId, Map.of()));
            }
            loaded = loaded.withAgent(agent);
        }
        for (int i = 0; i < memory * EVENTS_PER_MEMORY_ITEM; i++) {
            loaded = loaded.withEventAppended(new EventLogEntry("evt-" + i, "bench-world", "main", "message",
                    Map.of("content", "message number " + i, "sender", i % 2 == 0 ? "human" : "ada"), Map.of(),
                    Instant.parse("2026-11-25T18:00:00Z").plusSeconds(i), i + 1, Map.of()));
        }
        world = loaded;
        store.save(key, world);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /** A save after nothing changed: the store compares and writes no file. */
    @Benchmark
    public void saveUnchanged() {
        store.save(key, world);
    }

    /**
     * A save after a chat turn: every agent remembered one more message, so each agent's {@code memory.json} is
     * rewritten atomically (temporary file, flush, rename, flush of the folder).
     */
    @Benchmark
    public void saveAfterChat() {
        long turn = turns++;
        World changed = world;
        for (String agentId : AGENTS) {
            Agent agent = changed.agents().stream().filter(a -> a.config().id().value().equals(agentId)).findFirst()
                    .orElseThrow();
            changed = changed.withAgent(agent.remember(new MemoryItem("assistant", "reply number " + turn,
                    Instant.parse("2026-11-25T18:00:00Z").plusSeconds(turn), agentId, "main", "turn-" + turn, null,
                    agentId, Map.of())));
        }
        // keep the memory at its size: the next turn starts again from the world as set up
        store.save(key, changed);
    }

    @Benchmark
    public World load() {
        return store.load(key);
    }

    @Benchmark
    public boolean cloneAndDelete() {
        WorldKey target = WorldKey.of("clone-user", "w" + (clones++));
        store.cloneFromTemplate(TemplateName.of("bench-world"), target);
        return store.delete(target);
    }

    private static void writeTemplate(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), "{\"id\":\"bench-world\",\"name\":\"Bench World\","
                + "\"description\":\"A template for benchmarks\",\"turnLimit\":5,\"mainAgent\":null,"
                + "\"createdAt\":\"2026-11-25T00:00:00.000Z\",\"lastUpdated\":\"2026-11-25T00:00:00.000Z\","
                + "\"totalAgents\":3,\"totalMessages\":0,\"currentChatId\":null,\"variables\":\"\"}");
        for (String id : AGENTS) {
            Path agent = Files.createDirectories(dir.resolve("agents").resolve(id));
            Files.writeString(agent.resolve("config.json"), "{\"id\":\"" + id + "\",\"name\":\"" + id
                    + "\",\"type\":\"assistant\",\"autoReply\":true,\"status\":\"inactive\",\"provider\":\"offline\","
                    + "\"model\":\"scripted\",\"temperature\":0,\"maxTokens\":256,\"llmCallCount\":0}");
            Files.writeString(agent.resolve("system-prompt.md"), "You are " + id + ", a concise assistant.");
            Files.writeString(agent.resolve("memory.json"), "[]");
        }
    }
}
