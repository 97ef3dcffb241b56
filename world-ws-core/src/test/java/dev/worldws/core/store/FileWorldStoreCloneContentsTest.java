package dev.worldws.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.worldws.api.AgentId;
import dev.worldws.api.TemplateName;
import dev.worldws.api.WorldKey;
import dev.worldws.api.world.Agent;
import dev.worldws.api.world.World;
import dev.worldws.testkit.ManualClock;
import dev.worldws.testkit.SampleWorlds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clone of a template whose files have not changed since its previous clone is assembled from what that clone
 * read instead of being read back from disk. What it holds, and how its first save writes, must be exactly what
 * reading it back gives; any change to the template must reach the next clone.
 */
class FileWorldStoreCloneContentsTest {
    private static final TemplateName GARDEN = TemplateName.of("garden");

    @TempDir
    Path dataDir;
    private final ManualClock clock = ManualClock.startingAtEpochOf2026();
    private FileWorldStore store;
    private Path templateDir;
    private int clones;

    @BeforeEach
    void setUp() {
        TemplateFolders.write(dataDir, SampleWorlds.templates());
        templateDir = new StorageLayout(dataDir).templateDir(GARDEN);
        // guests link the template's files, the others copy them: both kinds take turns below
        store = new FileWorldStore(dataDir, clock, new AtomicFiles(), user -> user.value().startsWith("guest-"));
    }

    /** The next clone (a guest's and a known user's by turns), checked against a load by a store that never saw it. */
    private World cloneAndCompare() {
        clones++;
        WorldKey key = WorldKey.of((clones % 2 == 0 ? "guest-" : "known-") + clones, "home");
        World cloned = store.cloneFromTemplate(GARDEN, key);
        assertThat(new FileWorldStore(dataDir, clock, new AtomicFiles()).load(key))
                .as("clone %d read back", clones).isEqualTo(cloned);
        return cloned;
    }

    private static Agent agent(World world, String id) {
        return world.agent(AgentId.of(id)).orElseThrow();
    }

    @Test
    @DisplayName("clones of an unchanged template, linked or copied, hold exactly what reading them back gives")
    void clonesReadAsLoaded() {
        World first = cloneAndCompare();
        for (int i = 0; i < 5; i++) {
            World next = cloneAndCompare();
            assertThat(next.agents()).isEqualTo(first.agents());
            assertThat(next.chats()).isEqualTo(first.chats());
            assertThat(next.events()).isEqualTo(first.events());
            assertThat(next.config().metadata().clonedFor()).isNotEqualTo(first.config().metadata().clonedFor());
        }
    }

    @Test
    @DisplayName("the first save of a copied clone assembled without reading appends in place, as after a read")
    void firstSaveAppendsInPlace() throws IOException {
        cloneAndCompare();
        cloneAndCompare();
        WorldKey known = WorldKey.of("known-late", "home");
        World world = store.cloneFromTemplate(GARDEN, known);
        Path memory = store.layout().worldDir(known).resolve("agents/gardener/memory.json");
        Object before = Files.getAttribute(memory, "unix:ino");
        assumeTrue(!agent(world, "gardener").memory().isEmpty(), "the sample gardener remembers something");

        World changed = SampleWorlds.remember(world, "gardener", "one more thing");
        store.save(known, changed);

        assertThat(Files.getAttribute(memory, "unix:ino")).as("appended to, not replaced").isEqualTo(before);
        assertThat(new FileWorldStore(dataDir, clock, new AtomicFiles()).load(known))
                .isEqualTo(WorldOrder.canonical(changed));
    }

    @Test
    @DisplayName("every kind of change to the template between clones reaches the next clone")
    void templateChangesReachTheNextClone() throws IOException {
        Path prompt = templateDir.resolve("agents/poet/system-prompt.md");
        Path memory = templateDir.resolve("agents/gardener/memory.json");

        cloneAndCompare();
        changeThen(() -> write(prompt, "A longer prompt than the sample's, written in place."),
                world -> assertThat(agent(world, "poet").systemPrompt())
                        .isEqualTo("A longer prompt than the sample's, written in place."));

        // the same length, a moment later (an edit in the same clock tick as a clone cannot be told apart)
        FileTime earlier = Files.getLastModifiedTime(prompt);
        changeThen(() -> {
            write(prompt, "A longer prompt than the sample's, WRITTEN in place.");
            Files.setLastModifiedTime(prompt, FileTime.fromMillis(earlier.toMillis() + 2_000));
        }, world -> assertThat(agent(world, "poet").systemPrompt()).contains("WRITTEN"));

        // replaced by another file of the same size and time, its folder's time put back too: only the file's
        // identity tells (an editor saving by rename within one clock tick of a clone would leave it so)
        String remembered = Files.readString(memory);
        changeThen(() -> {
            FileTime time = Files.getLastModifiedTime(memory);
            FileTime folderTime = Files.getLastModifiedTime(memory.getParent());
            Path replacement = templateDir.resolve("agents/gardener/.memory.json.new");
            write(replacement, remembered.replaceFirst("\"content\": \"(.)", "\"content\": \"X"));
            Files.setLastModifiedTime(replacement, time);
            Files.move(replacement, memory, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.setLastModifiedTime(memory.getParent(), folderTime);
        }, world -> assertThat(agent(world, "gardener").memory().get(0).content()).startsWith("X"));

        changeThen(() -> copyFolder(templateDir.resolve("agents/poet"), templateDir.resolve("agents/second-poet")),
                world -> assertThat(world.agent(AgentId.of("second-poet"))).isPresent());

        changeThen(() -> Files.move(templateDir.resolve("agents/second-poet"), templateDir.resolve("agents/third-poet")),
                world -> assertThat(world.agents()).extracting(Agent::id)
                        .contains(AgentId.of("third-poet")).doesNotContain(AgentId.of("second-poet")));

        changeThen(() -> Files.copy(templateDir.resolve("events/chat-1.json"), templateDir.resolve("events/chat-2.json")),
                world -> assertThat(world.events()).as("the sample's two events, and their copy").hasSize(4));

        changeThen(() -> Files.delete(templateDir.resolve("chats/chat-1.json")),
                world -> assertThat(world.chats()).isEmpty());

        Path config = templateDir.resolve("config.json");
        changeThen(() -> write(config, Files.readString(config).replace("\"Garden\"", "\"The Garden\"")),
                world -> assertThat(world.config().name()).isEqualTo("The Garden"));
    }

    private interface Change {
        void run() throws IOException;
    }

    /** Clones once more so that the next clone could reuse it, changes the template, and checks the next clone. */
    private void changeThen(Change change, Consumer<World> check) throws IOException {
        cloneAndCompare();
        change.run();
        check.accept(cloneAndCompare());
        cloneAndCompare(); // and the one after it, assembled from what the changed clone read
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static void copyFolder(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }
}
