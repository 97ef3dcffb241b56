package dev.worldws.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.worldws.api.AgentId;
import dev.worldws.api.CorruptWorldException;
import dev.worldws.api.InvalidNameException;
import dev.worldws.api.ReadOnlyTemplateException;
import dev.worldws.api.StorageException;
import dev.worldws.api.TemplateName;
import dev.worldws.api.UserId;
import dev.worldws.api.WorldKey;
import dev.worldws.api.WorldName;
import dev.worldws.api.world.Chat;
import dev.worldws.api.world.World;
import dev.worldws.testkit.ManualClock;
import dev.worldws.testkit.SampleWorlds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the file store guarantees on disk: atomic writes, read-only templates, typed errors, no escapes. */
class FileWorldStoreSafetyTest {
    private static final TemplateName GARDEN = TemplateName.of("garden");
    private static final WorldKey ALICE_HOME = WorldKey.of("alice", "home");

    @TempDir
    Path dataDir;
    private final ManualClock clock = ManualClock.startingAtEpochOf2026();
    private final RecordingFiles files = new RecordingFiles();
    private FileWorldStore store;

    /** Counts real writes and can fail the next write of a chosen file after its temporary copy is complete. */
    static final class RecordingFiles extends AtomicFiles {
        final List<Path> written = new ArrayList<>();
        volatile String failOn;

        @Override
        void beforeRename(Path temporary, Path target) throws IOException {
            failIfAsked(target);
            synchronized (written) {
                written.add(target);
            }
        }

        @Override
        void beforeCreate(Path target) throws IOException {
            failIfAsked(target);
        }

        private void failIfAsked(Path target) throws IOException {
            if (target.getFileName().toString().equals(failOn)) {
                throw new IOException("simulated disk failure (expected by the test)");
            }
        }
    }

    @BeforeEach
    void setUp() {
        TemplateFolders.write(dataDir, SampleWorlds.templates());
        store = new FileWorldStore(dataDir, clock, files);
    }

    private Path worldDir(WorldKey key) {
        return store.layout().worldDir(key);
    }

    private List<Path> temporaryFiles() throws IOException {
        try (Stream<Path> walk = Files.walk(dataDir)) {
            return walk.filter(path -> {
                String name = path.getFileName().toString();
                return name.endsWith(".tmp") || name.startsWith(".clone-") || name.startsWith(".deleted-");
            }).toList();
        }
    }

    @Nested
    @DisplayName("atomic writes")
    class AtomicWrites {
        @Test
        @DisplayName("a failed disk write is a StorageException naming the file; the old file and the world are intact")
        void failedWriteKeepsOldFile() throws IOException {
            World clone = store.cloneFromTemplate(GARDEN, ALICE_HOME);
            World remembered = SampleWorlds.remember(clone, "poet", "kept thought");
            store.save(ALICE_HOME, remembered);
            Path memory = worldDir(ALICE_HOME).resolve("agents/poet/memory.json");
            byte[] before = Files.readAllBytes(memory);
            files.failOn = "memory.json";
            // a memory that does not extend the stored one is written whole, through a temporary file
            World rewritten = SampleWorlds.remember(clone, "poet", "lost thought");
            assertThatThrownBy(() -> store.save(ALICE_HOME, rewritten))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("memory.json")
                    .hasMessageContaining("simulated disk failure");
            assertThat(Files.readAllBytes(memory)).isEqualTo(before);
            assertThat(temporaryFiles()).isEmpty();
            files.failOn = null;
            assertThat(store.load(ALICE_HOME)).isEqualTo(WorldOrder.canonical(remembered));
        }

        @Test
        @DisplayName("a write the file system refuses (a folder where the file goes) is a StorageException, nothing torn")
        void refusedByFileSystem() throws IOException {
            World clone = store.cloneFromTemplate(GARDEN, ALICE_HOME);
            Path chat = worldDir(ALICE_HOME).resolve("chats/chat-2.json");
            Files.createDirectories(chat.resolve("in-the-way"));
            Chat second = new Chat("chat-2", "garden", "Second", null, null, 0, Map.of());
            List<Chat> chats = new ArrayList<>(clone.chats());
            chats.add(second);
            assertThatThrownBy(() -> store.save(ALICE_HOME, clone.withChats(chats)))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("chat-2.json");
            assertThat(chat.resolve("in-the-way")).isDirectory();
            assertThat(temporaryFiles()).isEmpty();
        }

        @Test
        @DisplayName("a clone that fails half way leaves no world and no staging folder behind")
        void failedCloneLeavesNothing() throws IOException {
            files.failOn = "config.json";
            assertThatThrownBy(() -> store.cloneFromTemplate(GARDEN, ALICE_HOME)).isInstanceOf(StorageException.class);
            assertThat(store.exists(ALICE_HOME)).isFalse();
            assertThat(store.listWorlds(ALICE_HOME.userId())).isEmpty();
            assertThat(temporaryFiles()).isEmpty();
        }

        @Test
        @DisplayName("files whose content did not change are not rewritten")
        void unchangedFilesSkipped() {
            World clone = store.cloneFromTemplate(GARDEN, ALICE_HOME);
            store.save(ALICE_HOME, clone);
            files.written.clear();
            store.save(ALICE_HOME, clone);
            assertThat(files.written).isEmpty();

            Map<Path, byte[]> before = contents(worldDir(ALICE_HOME));
            store.save(ALICE_HOME, SampleWorlds.remember(clone, "poet", "one new thought"));
            Map<Path, byte[]> after = contents(worldDir(ALICE_HOME));
            assertThat(after.keySet()).isEqualTo(before.keySet());
            assertThat(after.keySet().stream().filter(file -> !Arrays.equals(before.get(file), after.get(file))))
                    .containsExactly(worldDir(ALICE_HOME).resolve("agents/poet/memory.json"));
            assertThat(files.written).as("a memory that only grew is appended to, not replaced").isEmpty();
        }

        private Map<Path, byte[]> contents(Path dir) {
            Map<Path, byte[]> contents = new java.util.TreeMap<>();
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path file : walk.filter(Files::isRegularFile).toList()) {
                    contents.put(file, Files.readAllBytes(file));
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return contents;
        }
    }

    @Nested
    @DisplayName("corrupt files")
    class CorruptFiles {
        @Test
        @DisplayName("a corrupt memory.json is a CorruptWorldException naming the file, which is left as it was")
        void corruptMemory() throws IOException {
            store.cloneFromTemplate(GARDEN, ALICE_HOME);
            Path memory = worldDir(ALICE_HOME).resolve("agents/poet/memory.json");
            // damaged in the middle; a file merely cut short at its end is what a crash during an append leaves, and
            // reads back as the items before the cut (FileWorldStoreAppendTest)
            byte[] garbage = "[{\"role\": \"user\" \"content\": \"hi\"}]".getBytes(StandardCharsets.UTF_8);
            Files.write(memory, garbage);
            assertThatThrownBy(() -> store.load(ALICE_HOME))
                    .isInstanceOf(CorruptWorldException.class)
                    .hasMessageContaining("users/alice/worlds/home/agents/poet/memory.json")
                    .extracting("code").isEqualTo("corrupt_world");
            assertThat(Files.readAllBytes(memory)).isEqualTo(garbage);
        }

        @Test
        @DisplayName("a config.json of the wrong shape is a CorruptWorldException naming the file")
        void wrongShape() throws IOException {
            store.cloneFromTemplate(GARDEN, ALICE_HOME);
            Path config = worldDir(ALICE_HOME).resolve("config.json");
            Files.writeString(config, "[1, 2, 3]");
            assertThatThrownBy(() -> store.load(ALICE_HOME))
                    .isInstanceOf(CorruptWorldException.class)
                    .hasMessageContaining("users/alice/worlds/home/config.json");
            Files.writeString(config, "{\"id\": \"home\", \"name\": \"Home\", \"turnLimit\": 0}");
            assertThatThrownBy(() -> store.load(ALICE_HOME))
                    .isInstanceOf(CorruptWorldException.class)
                    .hasMessageContaining("config.json")
                    .hasMessageContaining("turnLimit");
        }

        @Test
        @DisplayName("a corrupt template is a CorruptWorldException naming the template's file")
        void corruptTemplate() throws IOException {
            Files.writeString(dataDir.resolve("worlds/garden/chats/chat-1.json"), "{not json");
            assertThatThrownBy(() -> store.loadTemplate(GARDEN))
                    .isInstanceOf(CorruptWorldException.class)
                    .hasMessageContaining("worlds/garden/chats/chat-1.json");
        }
    }

    static Stream<Arguments> hostileNames() {
        return Stream.of(
                Arguments.of("../x", "path separator"),
                Arguments.of("a/b", "path separator"),
                Arguments.of("..", "'..'"),
                Arguments.of("%2e%2e", "percent"),
                Arguments.of("/etc/passwd", "path separator"),
                Arguments.of("nul\0byte", "NUL"),
                Arguments.of("x".repeat(65), "at most 64"));
    }

    @Nested
    @DisplayName("hostile names")
    class HostileNames {
        @ParameterizedTest(name = "\"{0}\" is refused before it reaches a path")
        @MethodSource("dev.worldws.core.store.FileWorldStoreSafetyTest#hostileNames")
        @DisplayName("user, world, template and agent names are refused with the value and the rule")
        void refused(String hostile, String rule) throws IOException {
            List<Function<String, Object>> kinds = List.of(UserId::of, WorldName::of, TemplateName::of, AgentId::of);
            for (Function<String, Object> kind : kinds) {
                assertThatThrownBy(() -> kind.apply(hostile))
                        .isInstanceOf(InvalidNameException.class)
                        .hasMessageContaining(rule)
                        .extracting("value").isEqualTo(hostile);
            }
            assertThat(dataDir.resolve("x")).doesNotExist();
            assertThat(store.listWorlds(UserId.of("alice"))).isEmpty();
        }

        @Test
        @DisplayName("a chat id that would escape its folder is refused and nothing is written")
        void hostileChatId() throws IOException {
            World clone = store.cloneFromTemplate(GARDEN, ALICE_HOME);
            String treeBefore = treeHash(dataDir.resolve("worlds"));
            files.written.clear();
            Chat escape = new Chat("../../../../worlds/garden/config", "garden", "x", null, null, 0, Map.of());
            assertThatThrownBy(() -> store.save(ALICE_HOME, clone.withChats(List.of(escape))))
                    .isInstanceOf(InvalidNameException.class)
                    .hasMessageContaining("chat id");
            assertThat(files.written).isEmpty();
            assertThat(treeHash(dataDir.resolve("worlds"))).isEqualTo(treeBefore);
        }
    }

    @Nested
    @DisplayName("read-only templates")
    class ReadOnlyTemplates {
        @Test
        @DisplayName("a full exercise of the store leaves every byte of the template tree unchanged")
        void templateTreeUnchanged() throws IOException {
            String before = treeHash(dataDir.resolve("worlds"));
            for (String user : List.of("alice", "bob")) {
                WorldKey home = WorldKey.of(user, "home");
                World clone = store.cloneFromTemplate(GARDEN, home);
                store.save(home, SampleWorlds.remember(clone, "poet", user + " was here"));
                store.save(home, new World(clone.config(), List.of(), List.of(), List.of()));
                store.cloneFromTemplate(TemplateName.of("workshop"), WorldKey.of(user, "forge"));
                store.load(home);
                store.delete(home);
            }
            store.deleteUserSpace(UserId.of("alice"));
            store.deleteUserSpace(UserId.of("bob"));
            store.listTemplates().forEach(store::loadTemplate);
            assertThat(treeHash(dataDir.resolve("worlds"))).isEqualTo(before);
        }

        @Test
        @DisplayName("a user world that is a symbolic link into a template is never written, moved or deleted")
        void symlinkedWorldRefused() throws IOException {
            String before = treeHash(dataDir.resolve("worlds"));
            Path link = worldDir(ALICE_HOME);
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, dataDir.resolve("worlds/garden"));
            World seen = store.load(ALICE_HOME);
            assertThatThrownBy(() -> store.save(ALICE_HOME, SampleWorlds.remember(seen, "poet", "vandalism")))
                    .isInstanceOf(ReadOnlyTemplateException.class)
                    .hasMessageContaining("outside the users folder");
            assertThatThrownBy(() -> store.delete(ALICE_HOME)).isInstanceOf(ReadOnlyTemplateException.class);
            assertThat(treeHash(dataDir.resolve("worlds"))).isEqualTo(before);
        }

        @Test
        @DisplayName("a world folder swapped for a link into a template after it was saved is not written through")
        void worldSwappedForLinkAfterSaveRefused() throws IOException {
            store.cloneFromTemplate(GARDEN, ALICE_HOME);
            World loaded = store.load(ALICE_HOME);
            store.save(ALICE_HOME, SampleWorlds.remember(loaded, "poet", "first"));
            String before = treeHash(dataDir.resolve("worlds"));
            Path world = worldDir(ALICE_HOME);
            Files.move(world, world.resolveSibling("moved-away"));
            Files.createSymbolicLink(world, dataDir.resolve("worlds/garden"));

            assertThatThrownBy(() -> store.save(ALICE_HOME, SampleWorlds.remember(loaded, "poet", "vandalism")))
                    .isInstanceOf(ReadOnlyTemplateException.class)
                    .hasMessageContaining("outside the users folder");
            assertThat(treeHash(dataDir.resolve("worlds"))).isEqualTo(before);
        }

        @Test
        @DisplayName("a user space that is a symbolic link out of users/ is refused for clones")
        void symlinkedUserRefused() throws IOException {
            String before = treeHash(dataDir.resolve("worlds"));
            Files.createSymbolicLink(dataDir.resolve("users/mallory"), dataDir.resolve("worlds"));
            assertThatThrownBy(() -> store.cloneFromTemplate(GARDEN, WorldKey.of("mallory", "garden2")))
                    .isInstanceOf(ReadOnlyTemplateException.class);
            assertThatThrownBy(() -> store.createUserSpace(UserId.of("mallory")))
                    .isInstanceOf(ReadOnlyTemplateException.class);
            assertThat(treeHash(dataDir.resolve("worlds"))).isEqualTo(before);
        }

        @Test
        @DisplayName("a link deeper down (the user's worlds folder, a world) pointing out of users/ is refused too")
        void deeperLinkOutRefused() throws IOException {
            String before = treeHash(dataDir.resolve("worlds"));
            store.createUserSpace(UserId.of("mallory"));
            Path worlds = dataDir.resolve("users/mallory/worlds");
            Files.delete(worlds);
            Files.createSymbolicLink(worlds, dataDir.resolve("worlds"));
            assertThatThrownBy(() -> store.cloneFromTemplate(GARDEN, WorldKey.of("mallory", "garden2")))
                    .isInstanceOf(ReadOnlyTemplateException.class).hasMessageContaining("outside the users folder");
            assertThatThrownBy(() -> store.delete(WorldKey.of("mallory", "garden")))
                    .isInstanceOf(ReadOnlyTemplateException.class);
            assertThat(treeHash(dataDir.resolve("worlds"))).isEqualTo(before);
        }

        @Test
        @DisplayName("a user space that is a link to another place inside users/ still clones, saves and deletes there")
        void linkWithinUsersAllowed() throws IOException {
            Files.createDirectories(dataDir.resolve("users/.shared/bob"));
            Files.createSymbolicLink(dataDir.resolve("users/bob"), dataDir.resolve("users/.shared/bob"));
            WorldKey key = WorldKey.of("bob", "garden");
            World cloned = store.cloneFromTemplate(GARDEN, key);
            store.save(key, SampleWorlds.remember(cloned, "poet", "kept"));
            assertThat(dataDir.resolve("users/.shared/bob/worlds/garden/agents/poet/memory.json")).content()
                    .contains("kept");
            assertThat(store.delete(key)).isTrue();
            assertThat(dataDir.resolve("users/.shared/bob/worlds/garden")).doesNotExist();
        }
    }

    /** A SHA-256 over every path (sorted) and file content below {@code root}. */
    static String treeHash(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Path path : walk.sorted().toList()) {
                digest.update(root.relativize(path).toString().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                if (Files.isRegularFile(path)) {
                    digest.update(Files.readAllBytes(path));
                }
                digest.update((byte) 1);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
