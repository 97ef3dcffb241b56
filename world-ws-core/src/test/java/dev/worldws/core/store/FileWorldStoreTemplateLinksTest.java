package dev.worldws.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.worldws.api.AgentId;
import dev.worldws.api.TemplateName;
import dev.worldws.api.UserId;
import dev.worldws.api.WorldKey;
import dev.worldws.api.world.Agent;
import dev.worldws.api.world.Chat;
import dev.worldws.api.world.World;
import dev.worldws.testkit.ManualClock;
import dev.worldws.testkit.SampleWorlds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Clones that hard-link the template's files instead of copying them: for the users the store is told to, each
 * template file but the config is the same file as the template's until the world changes it; the world reads,
 * saves and deletes exactly like a copied one, and the template never changes.
 */
class FileWorldStoreTemplateLinksTest {
    private static final TemplateName GARDEN = TemplateName.of("garden");
    private static final WorldKey GUEST = WorldKey.of("guest-1", "home");
    private static final WorldKey KNOWN = WorldKey.of("known", "home");

    @TempDir
    Path dataDir;
    private final ManualClock clock = ManualClock.startingAtEpochOf2026();
    private Path templateDir;

    @BeforeEach
    void setUp() throws IOException {
        TemplateFolders.write(dataDir, SampleWorlds.templates());
        templateDir = new StorageLayout(dataDir).templateDir(GARDEN);
        assumeTrue(links(templateDir.resolve("config.json")) == 1, "the file system reports link counts");
    }

    private FileWorldStore store(Durability durability) {
        return new FileWorldStore(dataDir, clock, new AtomicFiles(durability), user -> user.value().startsWith("guest-"));
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    @DisplayName("a linking user's clone shares every template file but its config; another user's clone copies them; both read alike")
    void linksForTheChosenUsersOnly(Durability durability) {
        FileWorldStore store = store(durability);

        World guest = store.cloneFromTemplate(GARDEN, GUEST);
        World known = store.cloneFromTemplate(GARDEN, KNOWN);

        Path guestDir = worldDir(GUEST);
        for (Path file : templateFiles()) {
            Path relative = templateDir.relativize(file);
            if (relative.toString().equals("config.json")) {
                assertThat(links(guestDir.resolve(relative))).as(relative + " is the clone's own").isEqualTo(1);
            } else {
                assertThat(isSameFile(guestDir.resolve(relative), file)).as(relative + " is linked").isTrue();
            }
            assertThat(links(worldDir(KNOWN).resolve(relative))).as(relative + " is copied").isEqualTo(1);
        }
        assertThat(guest.agents()).isEqualTo(known.agents());
        assertThat(guest.chats()).isEqualTo(known.chats());
        assertThat(guest.events()).isEqualTo(known.events());
        assertThat(new FileWorldStore(dataDir, clock, new AtomicFiles(durability)).load(GUEST)).isEqualTo(guest);
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    @DisplayName("saving a linked clone replaces the files it changed, leaves the unchanged ones linked, and never touches the template")
    void savesNeverWriteThroughALink(Durability durability) throws IOException {
        FileWorldStore store = store(durability);
        Map<Path, String> before = templateBytes();
        World world = store.cloneFromTemplate(GARDEN, GUEST);

        Agent poet = world.agent(AgentId.of("poet")).orElseThrow();
        Agent gardener = world.agent(AgentId.of("gardener")).orElseThrow();
        Chat chat = world.chats().get(0);
        World changed = SampleWorlds.remember(world, "poet", "a line of my own")
                .withAgent(gardener.withSystemPrompt("You grow only roses."))
                .withAgent(poet.withConfig(poet.config().withLlmCallCount(7)));
        changed = SampleWorlds.remember(changed, "poet", "a line of my own")
                .withChats(List.of(new Chat(chat.id(), chat.worldId(), chat.name(), chat.createdAt(),
                        chat.updatedAt().plusSeconds(5), chat.messageCount() + 1, chat.extra())));
        store.save(GUEST, changed);
        store.save(GUEST, SampleWorlds.remember(changed, "gardener", "and one more"));

        assertThat(templateBytes()).as("the template's files").containsExactlyInAnyOrderEntriesOf(before);
        Path guestDir = worldDir(GUEST);
        for (String own : List.of("agents/poet/memory.json", "agents/poet/config.json", "agents/gardener/memory.json",
                "agents/gardener/system-prompt.md", "chats/chat-1.json")) {
            assertThat(links(guestDir.resolve(own))).as(own + " is the world's own now").isEqualTo(1);
        }
        assertThat(isSameFile(guestDir.resolve("agents/poet/system-prompt.md"), templateDir.resolve("agents/poet/system-prompt.md")))
                .as("an unchanged prompt stays linked").isTrue();
        World expected = WorldOrder.canonical(SampleWorlds.remember(changed, "gardener", "and one more"));
        assertThat(new FileWorldStore(dataDir, clock, new AtomicFiles(durability)).load(GUEST)).isEqualTo(expected);
        assertThat(store.load(GUEST)).isEqualTo(expected);
    }

    @Test
    @DisplayName("deleting linked clones leaves the template whole, and it clones again")
    void deletingALinkedCloneKeepsTheTemplate() {
        FileWorldStore store = store(Durability.WRITE_BACK);
        Map<Path, String> before = templateBytes();
        World first = store.cloneFromTemplate(GARDEN, GUEST);
        store.cloneFromTemplate(GARDEN, WorldKey.of("guest-2", "home"));

        store.deleteUserSpace(UserId.of("guest-1"));
        store.delete(WorldKey.of("guest-2", "home"));

        assertThat(templateBytes()).containsExactlyInAnyOrderEntriesOf(before);
        for (Path file : templateFiles()) {
            assertThat(links(file)).as(templateDir.relativize(file) + " has no other name left").isEqualTo(1);
        }
        World again = store.cloneFromTemplate(GARDEN, GUEST);
        assertThat(again.agents()).isEqualTo(first.agents());
    }

    private Path worldDir(WorldKey key) {
        return new StorageLayout(dataDir).worldDir(key);
    }

    private List<Path> templateFiles() {
        try (Stream<Path> files = Files.walk(templateDir)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<Path, String> templateBytes() {
        Map<Path, String> bytes = new TreeMap<>();
        for (Path file : templateFiles()) {
            try {
                bytes.put(file, Files.readString(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return bytes;
    }

    private static int links(Path file) {
        try {
            return (Integer) Files.getAttribute(file, "unix:nlink");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return -1;
        }
    }

    private static boolean isSameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b) && links(a) > 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
