package dev.worldws.core.user;

import static org.assertj.core.api.Assertions.assertThat;

import dev.worldws.api.TemplateName;
import dev.worldws.api.UserId;
import dev.worldws.api.WorldName;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.core.store.StorageLayout;
import dev.worldws.core.store.WorldStores;
import dev.worldws.testkit.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** User storage and world cloning over the file store, on a real file system. */
class UserStorageTest {
    private static final UserId ALICE = UserId.of("alice");
    private static final WorldName HOME = WorldName.of("home");

    @TempDir
    Path dataDir;
    private final ManualClock clock = ManualClock.startingAtEpochOf2026();
    private UserStorage storage;
    private WorldCloning cloning;

    @BeforeEach
    void setUp() throws IOException {
        Path template = Files.createDirectories(dataDir.resolve("worlds/cafe/agents/barista"));
        Files.writeString(dataDir.resolve("worlds/cafe/config.json"), "{\"id\": \"cafe\", \"name\": \"Cafe\", \"turnLimit\": 3}");
        Files.writeString(template.resolve("config.json"), "{\"id\": \"barista\", \"name\": \"Barista\"}");
        WorldStore store = WorldStores.files(dataDir, clock);
        storage = UserStorage.of(store, new StorageLayout(dataDir));
        cloning = WorldCloning.of(store);
    }

    @Test
    @DisplayName("getUserWorldPath names the folder a clone is written to")
    void worldPath() {
        Path path = storage.getUserWorldPath(ALICE, HOME);
        assertThat(path).isEqualTo(dataDir.toAbsolutePath().normalize().resolve("users/alice/worlds/home"));
        assertThat(storage.userWorldExists(ALICE, HOME)).isFalse();
        cloning.cloneWorldFromTemplate(TemplateName.of("cafe"), ALICE, HOME);
        assertThat(path.resolve("config.json")).isRegularFile();
        assertThat(path.resolve("agents/barista/config.json")).isRegularFile();
        assertThat(storage.userWorldExists(ALICE, HOME)).isTrue();
    }

    @Test
    @DisplayName("createUserDirectory and deleteUserDirectory create and remove the user's folder, idempotently")
    void directories() {
        storage.createUserDirectory(ALICE);
        storage.createUserDirectory(ALICE);
        assertThat(dataDir.resolve("users/alice/worlds")).isDirectory();
        cloning.cloneWorldFromTemplate(TemplateName.of("cafe"), ALICE, HOME);
        storage.deleteUserDirectory(ALICE);
        storage.deleteUserDirectory(ALICE);
        assertThat(dataDir.resolve("users/alice")).doesNotExist();
        assertThat(dataDir.resolve("worlds/cafe/config.json")).isRegularFile();
    }

    @Test
    @DisplayName("loadUserWorld and saveUserWorld round-trip a clone; isValidTemplate never throws")
    void cloningFunctions() {
        var clone = cloning.cloneWorldFromTemplate(TemplateName.of("cafe"), ALICE, HOME);
        assertThat(clone.config().turnLimit()).isEqualTo(3);
        var renamed = clone.withConfig(clone.config().withCurrentChatId("chat-7"));
        cloning.saveUserWorld(ALICE, HOME, renamed);
        assertThat(cloning.loadUserWorld(ALICE, HOME)).isEqualTo(renamed);
        assertThat(cloning.isValidTemplate("cafe")).isTrue();
        assertThat(cloning.isValidTemplate("tea-house")).isFalse();
        assertThat(cloning.isValidTemplate("../worlds/cafe")).isFalse();
        assertThat(cloning.isValidTemplate(null)).isFalse();
    }
}
