package dev.worldws.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.worldws.api.AgentId;
import dev.worldws.api.TemplateName;
import dev.worldws.api.WorldKey;
import dev.worldws.api.world.Agent;
import dev.worldws.api.world.World;
import dev.worldws.testkit.ManualClock;
import dev.worldws.testkit.SampleWorlds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With write-back durability, small files that do not shrink are overwritten in place instead of replaced: what a
 * user can see is that they hold exactly the new bytes, that no temporary file is left, and that a file linked to
 * anything else (a template) is never written through.
 */
class FileWorldStoreInPlaceTest {
    private static final WorldKey ALICE_HOME = WorldKey.of("alice", "home");

    @TempDir
    Path dataDir;
    private final ManualClock clock = ManualClock.startingAtEpochOf2026();
    private FileWorldStore store;
    private World world;

    @BeforeEach
    void setUp() {
        TemplateFolders.write(dataDir, SampleWorlds.templates());
        store = new FileWorldStore(dataDir, clock, new AtomicFiles(Durability.WRITE_BACK));
        world = store.cloneFromTemplate(TemplateName.of("garden"), ALICE_HOME);
        store.save(ALICE_HOME, world);
    }

    private Path poetConfig() {
        return store.layout().worldDir(ALICE_HOME).resolve("agents/poet/config.json");
    }

    private Path templatePoetConfig() {
        return dataDir.resolve("worlds/garden/agents/poet/config.json");
    }

    private World withPoetCalls(int count) {
        Agent poet = world.agent(AgentId.of("poet")).orElseThrow();
        return world.withAgent(poet.withConfig(poet.config().withLlmCallCount(count)));
    }

    private static Object fileKey(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    @Test
    @DisplayName("a change that keeps or grows a file's length overwrites it in place; one that shrinks it replaces it; all read back")
    void inPlaceUnlessShorter() throws IOException {
        Object before = fileKey(poetConfig());
        world = withPoetCalls(7);
        store.save(ALICE_HOME, world);
        assertThat(fileKey(poetConfig())).as("same length: the same file").isEqualTo(before);
        assertThat(store.load(ALICE_HOME)).isEqualTo(WorldOrder.canonical(world));

        world = withPoetCalls(12);
        store.save(ALICE_HOME, world);
        assertThat(fileKey(poetConfig())).as("one byte longer: the same file").isEqualTo(before);
        assertThat(store.load(ALICE_HOME)).isEqualTo(WorldOrder.canonical(world));
        assertThat(Files.readString(poetConfig())).contains("\"llmCallCount\": 12").endsWith("}\n");

        world = withPoetCalls(3);
        store.save(ALICE_HOME, world);
        assertThat(fileKey(poetConfig())).as("shorter: replaced, so no old byte is left at its end").isNotEqualTo(before);
        assertThat(Files.readString(poetConfig())).contains("\"llmCallCount\": 3").endsWith("}\n");
        assertThat(store.load(ALICE_HOME)).isEqualTo(WorldOrder.canonical(world));
        try (Stream<Path> files = Files.walk(dataDir)) {
            assertThat(files.filter(file -> file.getFileName().toString().endsWith(".tmp"))).isEmpty();
        }
    }

    /** Makes a link of some kind at {@code link} to {@code target}. */
    private interface Linker {
        void link(Path link, Path target) throws IOException;
    }

    /**
     * Links the poet's config to the template's, saves a same-length change through a fresh store, checks that it
     * reads back, and returns the template file's bytes from before the save.
     */
    private byte[] saveThroughLinkToTemplate(Linker linker) throws IOException {
        world = withPoetCalls(0);
        store.save(ALICE_HOME, world);
        Files.copy(poetConfig(), templatePoetConfig(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.delete(poetConfig());
        linker.link(poetConfig(), templatePoetConfig());
        byte[] templateBefore = Files.readAllBytes(templatePoetConfig());
        FileWorldStore restarted = new FileWorldStore(dataDir, clock, new AtomicFiles(Durability.WRITE_BACK));
        World changed = withPoetCalls(3);
        restarted.save(ALICE_HOME, changed);
        assertThat(restarted.load(ALICE_HOME)).isEqualTo(WorldOrder.canonical(changed));
        return templateBefore;
    }

    @Test
    @DisplayName("a world file hard-linked to a template file is replaced, never written through, so the template stays as it was")
    void hardLinkIntoATemplateIsNotWrittenThrough() throws IOException {
        byte[] template = saveThroughLinkToTemplate(Files::createLink); // as a careless `cp -l` leaves it
        assertThat(Files.readAllBytes(templatePoetConfig())).isEqualTo(template);
    }

    @Test
    @DisplayName("a world file that is a symbolic link to a template file is replaced by a file, and the template stays as it was")
    void symbolicLinkIntoATemplateIsNotWrittenThrough() throws IOException {
        byte[] template = saveThroughLinkToTemplate((link, target) -> Files.createSymbolicLink(link, target));
        assertThat(Files.readAllBytes(templatePoetConfig())).isEqualTo(template);
        assertThat(Files.isSymbolicLink(poetConfig())).isFalse();
    }
}
