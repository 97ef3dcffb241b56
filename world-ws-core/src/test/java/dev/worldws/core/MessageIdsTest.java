package dev.worldws.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("message ids")
class MessageIdsTest {
    @Test
    @DisplayName("look like msg- and a random (version 4) UUID, as clients have always seen them")
    void shape() {
        for (int i = 0; i < 1_000; i++) {
            String id = MessageIds.next();
            assertThat(id).matches("msg-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
            UUID uuid = UUID.fromString(id.substring("msg-".length()));
            assertThat(uuid.version()).isEqualTo(4);
            assertThat(uuid.variant()).isEqualTo(2);
        }
    }

    @Test
    @DisplayName("are unique across threads taking them at once, and do not count up visibly")
    void uniqueUnderConcurrency() throws Exception {
        int threads = 4;
        int perThread = 50_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<List<String>>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                tasks.add(() -> {
                    List<String> ids = new ArrayList<>(perThread);
                    for (int i = 0; i < perThread; i++) {
                        ids.add(MessageIds.next());
                    }
                    return ids;
                });
            }
            Set<String> all = new HashSet<>();
            for (Future<List<String>> result : pool.invokeAll(tasks, 30, TimeUnit.SECONDS)) {
                all.addAll(result.get());
            }
            assertThat(all).hasSize(threads * perThread);
        } finally {
            pool.shutdownNow();
        }
        // consecutive counter values land far apart in the id's low bits
        Set<Long> lastTwelveHexDigits = new HashSet<>();
        for (long counter = 0; counter < 1_000; counter++) {
            lastTwelveHexDigits.add(MessageIds.scramble(counter) & 0xFFFF_FFFF_FFFFL);
        }
        assertThat(lastTwelveHexDigits).hasSize(1_000);
        assertThat(MessageIds.scramble(1) - MessageIds.scramble(0)).isNotEqualTo(1);
    }
}
