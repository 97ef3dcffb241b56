package dev.worldws.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.worldws.api.spi.EventBus;
import dev.worldws.api.spi.Handshake;
import dev.worldws.core.bus.EventBuses;
import dev.worldws.core.store.WorldStores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.io.TempDirFactory;

class AnonymousChurnTest {
    private static final int USERS = 10_000;
    private static final int CLIENT_THREADS = 4;

    /**
     * The data folder lives on tmpfs when the machine has one: the file store forces every write to disk (about
     * 16 ms per cloned world on this project's CI disk), and this test is about what is left behind, not about
     * disk latency.
     */
    static final class MemoryBackedTempDir implements TempDirFactory {
        @Override
        public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext context) throws IOException {
            Path shm = Path.of("/dev/shm");
            if (Files.isDirectory(shm) && Files.isWritable(shm)) {
                return Files.createTempDirectory(shm, "world-ws-churn-");
            }
            return Files.createTempDirectory("world-ws-churn-");
        }
    }

    @Test
    @DisplayName("10,000 anonymous users through connect, select, chat and disconnect leave nothing behind")
    void churnLeavesNothing(@TempDir(factory = MemoryBackedTempDir.class) Path dataDir) throws Exception {
        Path template = Files.createDirectories(dataDir.resolve("worlds/tiny/agents/echo"));
        Files.writeString(dataDir.resolve("worlds/tiny/config.json"),
                "{\"id\":\"tiny\",\"name\":\"Tiny\",\"turnLimit\":5}");
        Files.writeString(template.resolve("config.json"),
                "{\"id\":\"echo\",\"name\":\"Echo\",\"offlineReplies\":[\"echo: {message}\"]}");
        EventBus bus = EventBuses.inProcess();
        WorldWsEngine engine = WorldWsEngine.builder()
                .store(WorldStores.files(dataDir))
                .eventBus(bus)
                .anonymousGracePeriod(Duration.ZERO)
                .build();
        try {
            ExecutorService clients = Executors.newFixedThreadPool(CLIENT_THREADS);
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < CLIENT_THREADS; t++) {
                int first = t;
                runs.add(clients.submit(() -> {
                    for (int i = first; i < USERS; i += CLIENT_THREADS) {
                        try (WireClient client = WireClient.connect(engine, Handshake.empty())) {
                            client.select("tiny", "w");
                            client.chat("hello " + i);
                            List<String> said = client.untilIdle().stream()
                                    .filter(m -> m.path("payload").path("kind").asText().equals("end"))
                                    .map(m -> m.path("payload").path("content").asText()).toList();
                            assertThat(said).containsExactly("echo: hello " + i);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
            clients.shutdown();

            Await.until("registry, runtimes, subscriptions and data folder are empty", Duration.ofSeconds(60), () ->
                    engine.stats().connections() == 0 && engine.stats().worldsLoaded() == 0
                            && bus.activeSubscriptions() == 0 && isEmpty(dataDir.resolve("users")));
            assertThat(engine.stats().busSubscriptions()).isZero();
            assertThat(engine.stats().messagesIn()).isEqualTo(2L * USERS);
            assertThat(Files.exists(dataDir.resolve("worlds/tiny/config.json"))).as("templates untouched").isTrue();
        } finally {
            engine.close();
            bus.close();
        }
    }

    private static boolean isEmpty(Path dir) {
        if (!Files.exists(dir)) {
            return true;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }
}
