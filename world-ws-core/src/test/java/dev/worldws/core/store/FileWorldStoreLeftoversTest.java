package dev.worldws.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.worldws.api.TemplateName;
import dev.worldws.api.WorldKey;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.testkit.ManualClock;
import dev.worldws.testkit.SampleWorlds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("a file store sweeps the leftovers of a crash when it is created")
class FileWorldStoreLeftoversTest {
    private static final TemplateName GARDEN = TemplateName.of("garden");
    private static final WorldKey ALICE_HOME = WorldKey.of("alice", "home");

    @TempDir
    Path dataDir;
    private final ManualClock clock = ManualClock.startingAtEpochOf2026();

    private static Path old(Path path) throws IOException {
        Files.setLastModifiedTime(path, FileTime.from(Instant.now().minus(FileWorldStore.LEFTOVER_MIN_AGE.multipliedBy(2))));
        return path;
    }

    private static Path file(Path path, String content) throws IOException {
        Files.createDirectories(path.getParent());
        return Files.writeString(path, content);
    }

    @Test
    @DisplayName("interrupted clones, deletes and writes go; real worlds, templates and younger leftovers stay")
    void sweep() throws IOException {
        TemplateFolders.write(dataDir, Map.of(GARDEN, SampleWorlds.templates().get(GARDEN)));
        WorldStore first = WorldStores.files(dataDir, clock);
        first.cloneFromTemplate(GARDEN, ALICE_HOME);
        Path worlds = dataDir.resolve("users/alice/worlds");
        Path home = worlds.resolve("home");
        String homeConfig = Files.readString(home.resolve("config.json"));

        Path clone = worlds.resolve(".clone-" + UUID.randomUUID());
        file(clone.resolve("config.json"), "{}");
        file(clone.resolve("agents/a/config.json"), "");
        old(clone);
        Path deleted = worlds.resolve(".deleted-" + UUID.randomUUID());
        file(deleted.resolve("config.json"), "{}");
        old(deleted);
        Path tmp = old(file(home.resolve(".config.json." + UUID.randomUUID() + ".tmp"), "{\"torn"));
        Path deepTmp = old(file(home.resolve("chats/.c1.json." + UUID.randomUUID() + ".tmp"), ""));
        Path young = file(worlds.resolve(".clone-" + UUID.randomUUID() + "/config.json"), "{}").getParent();
        Path notOurs = old(file(home.resolve(".notes"), "mine"));
        Path oddName = old(file(worlds.resolve(".clone-not-a-uuid/config.json"), "{}").getParent());
        Path templateTmp = old(file(dataDir.resolve("worlds/garden/.config.json." + UUID.randomUUID() + ".tmp"), "x"));
        Path templateClone = dataDir.resolve("worlds/.clone-" + UUID.randomUUID());
        file(templateClone.resolve("config.json"), "{}");
        old(templateClone);

        WorldStore second = WorldStores.files(dataDir, clock);

        assertThat(clone).doesNotExist();
        assertThat(deleted).doesNotExist();
        assertThat(tmp).doesNotExist();
        assertThat(deepTmp).doesNotExist();
        assertThat(young).as("maybe another store's clone in progress").exists();
        assertThat(notOurs).as("not one of the store's names").exists();
        assertThat(oddName).exists();
        assertThat(templateTmp).as("templates are never touched").exists();
        assertThat(templateClone).exists();
        assertThat(Files.readString(home.resolve("config.json"))).isEqualTo(homeConfig);
        assertThat(second.load(ALICE_HOME)).isEqualTo(first.load(ALICE_HOME));
        assertThat(second.listWorlds(ALICE_HOME.userId())).containsExactly(ALICE_HOME.worldName());
    }
}
