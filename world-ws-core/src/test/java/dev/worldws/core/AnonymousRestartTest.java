package dev.worldws.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.worldws.api.AuthenticationException;
import dev.worldws.api.UserId;
import dev.worldws.api.spi.Handshake;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.core.store.TemplateFolders;
import dev.worldws.core.store.WorldStores;
import dev.worldws.testkit.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("anonymous users across a restart: resumable within the grace period, deleted after it")
class AnonymousRestartTest {
    private static final Duration GRACE = Duration.ofMinutes(5);
    private static final byte[] SECRET = secret();

    private final ManualClock clock = ManualClock.startingAtEpochOf2026();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final List<WorldWsEngine> engines = new ArrayList<>();

    @TempDir
    Path dataDir;

    private static byte[] secret() {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) 7);
        return bytes;
    }

    private WorldWsEngine start(WorldStore store, WorldWsEngineBuilder builder) {
        WorldWsEngine engine = builder.store(store).clock(clock).scheduler(scheduler).anonymousGracePeriod(GRACE)
                .build();
        engines.add(engine);
        return engine;
    }

    private WorldWsEngine start(WorldStore store) {
        return start(store, WorldWsEngine.builder().resumeTokenSecret(SECRET));
    }

    @AfterEach
    void close() {
        engines.forEach(WorldWsEngine::close);
    }

    private WorldStore fileStore() {
        TemplateFolders.write(dataDir, TestWorlds.templates());
        return WorldStores.files(dataDir, clock);
    }

    private Path userDir(String user) {
        return dataDir.resolve("users").resolve(user);
    }

    private static String token(WireClient client) {
        return client.connected.path("payload").path("resumeToken").asText();
    }

    /** An anonymous user who selects {@code world} and chats, then the first engine stops. */
    private static WireClient chatter(WorldWsEngine engine, String world, String words) {
        WireClient client = WireClient.connect(engine, Handshake.empty());
        client.select("workshop", world);
        client.chat(words);
        client.untilIdle();
        return client;
    }

    @Test
    @DisplayName("a token restores the same user and world after a restart; users who do not come back are deleted")
    void resumeAfterRestart() throws Exception {
        WorldStore store = fileStore();
        WorldWsEngine first = start(store);
        WireClient returning = chatter(first, "w", "remember me");
        WireClient gone = chatter(first, "v", "forget me");
        String returningUser = returning.userId();
        String goneUser = gone.userId();
        String returningToken = token(returning);
        first.close();
        assertThat(userDir(returningUser)).as("a stop deletes nobody").isDirectory();
        assertThat(userDir(goneUser)).isDirectory();

        WorldWsEngine second = start(fileStore());
        scheduler.advance(GRACE.minusMinutes(1));
        WireClient back = WireClient.connect(second, TestWorlds.resume(returningToken));
        assertThat(back.userId()).as("the same anonymous identity").isEqualTo(returningUser);
        JsonNode selected = back.select("workshop", "w").path("payload");
        assertThat(selected.path("created").asBoolean()).as("the old world, not a new clone").isFalse();
        assertThat(selected.path("history").toString()).contains("remember me");

        scheduler.advance(Duration.ofMinutes(2));
        Await.until("the user who did not come back is deleted", () -> !Files.exists(userDir(goneUser)));
        assertThat(second.store().listUsers()).containsExactly(UserId.of(returningUser));
        assertThat(userDir(returningUser).resolve("worlds/w")).as("kept while connected").isDirectory();

        WireClient late = WireClient.connect(second, TestWorlds.resume(token(gone)));
        assertThat(late.userId()).as("a token of a deleted user gets a new identity").isNotEqualTo(goneUser);
    }

    @Test
    @DisplayName("a user left by an earlier run who never returns is deleted after the grace period, not before")
    void orphansAreDeleted() throws Exception {
        WorldStore store = fileStore();
        WorldWsEngine first = start(store);
        String user = chatter(first, "w", "hello").userId();
        first.close();

        start(fileStore());
        scheduler.advance(GRACE.minusSeconds(10));
        assertThat(userDir(user)).as("still within the grace period").isDirectory();
        scheduler.advance(Duration.ofSeconds(20));
        Await.until("the orphaned anonymous folder is deleted", () -> !Files.exists(userDir(user)));
    }

    @Test
    @DisplayName("a credential naming an id of the anonymous form is refused: it would open a guest's worlds")
    void anonymousIdsAreReserved() {
        WorldWsEngine engine = start(fileStore(), WorldWsEngine.builder().authenticator(TestWorlds.BY_HEADER));
        String guest = WireClient.connect(engine, Handshake.empty()).userId();
        assertThatThrownBy(() -> engine.authenticate(TestWorlds.user(guest)))
                .isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("reserved for anonymous users");
        assertThat(engine.authenticate(TestWorlds.user("anon-ymous")).userId()).isEqualTo(UserId.of("anon-ymous"));
    }

    @Test
    @DisplayName("known users and users with another name form are never reclaimed; reclaiming can be turned off")
    void onlyAnonymousIdsAreReclaimed() throws Exception {
        WorldStore store = fileStore();
        WorldWsEngine first = start(store, WorldWsEngine.builder().resumeTokenSecret(SECRET)
                .authenticator(TestWorlds.BY_HEADER));
        WireClient known = WireClient.connect(first, TestWorlds.user("anon-ymous"));
        known.select("workshop", "w");
        known.close();
        String anonymous = chatter(first, "w", "hi").userId();
        first.close();

        start(fileStore(), WorldWsEngine.builder().resumeTokenSecret(SECRET).reclaimAnonymousUsers(false));
        scheduler.advance(GRACE.plusMinutes(1));
        assertThat(userDir(anonymous)).as("reclaiming turned off").isDirectory();

        start(fileStore());
        scheduler.advance(GRACE.plusMinutes(1));
        Await.until("the anonymous folder is deleted", () -> !Files.exists(userDir(anonymous)));
        assertThat(userDir("anon-ymous").resolve("worlds/w")).as("a known user's world stays").isDirectory();
    }
}
