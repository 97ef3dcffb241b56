package dev.worldws.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.worldws.api.AgentId;
import dev.worldws.api.CorruptWorldException;
import dev.worldws.api.TemplateName;
import dev.worldws.api.WorldKey;
import dev.worldws.api.world.EventLogEntry;
import dev.worldws.api.world.World;
import dev.worldws.testkit.ManualClock;
import dev.worldws.testkit.SampleWorlds;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The growing files of a world (agents' memory, chats' event logs) are extended in place by saves: what a user can
 * see is that the files hold exactly what a whole rewrite would, that changes made by others are respected, and
 * that a file cut short by a crash reads back as everything stored before the cut.
 */
class FileWorldStoreAppendTest {
    private static final WorldKey ALICE_HOME = WorldKey.of("alice", "home");

    @TempDir
    Path dataDir;
    @TempDir
    Path otherDataDir;
    private final ManualClock clock = ManualClock.startingAtEpochOf2026();
    private final FileWorldStoreSafetyTest.RecordingFiles files = new FileWorldStoreSafetyTest.RecordingFiles();
    private FileWorldStore store;
    private World world;

    @BeforeEach
    void setUp() {
        TemplateFolders.write(dataDir, SampleWorlds.templates());
        store = new FileWorldStore(dataDir, clock, files);
        world = store.cloneFromTemplate(TemplateName.of("garden"), ALICE_HOME);
    }

    private Path worldDir() {
        return store.layout().worldDir(ALICE_HOME);
    }

    private Path memoryFile(String agent) {
        return worldDir().resolve("agents").resolve(agent).resolve("memory.json");
    }

    private Path eventFile() {
        return worldDir().resolve("events").resolve("chat-1.json");
    }

    private World grow(World from, int step) {
        World next = SampleWorlds.remember(from, "poet", "verse " + step + "\nwith a second line");
        List<EventLogEntry> events = new ArrayList<>(next.events());
        events.add(new EventLogEntry("evt-" + (step + 10), next.config().id(), "chat-1", "message",
                Map.of("content", "message " + step, "sender", "human"), Map.of(), SampleWorlds.CREATED.plusSeconds(step),
                step + 10, Map.of()));
        return next.withEvents(events);
    }

    /** What a fresh store writes for {@code expected}: the bytes a whole rewrite gives. */
    private Map<String, byte[]> wholeRewriteOf(World expected) throws IOException {
        TemplateFolders.write(otherDataDir, SampleWorlds.templates());
        FileWorldStore fresh = new FileWorldStore(otherDataDir, clock, new AtomicFiles());
        fresh.cloneFromTemplate(TemplateName.of("garden"), ALICE_HOME);
        fresh.save(ALICE_HOME, expected);
        Path dir = fresh.layout().worldDir(ALICE_HOME);
        return Map.of("memory", Files.readAllBytes(dir.resolve("agents/poet/memory.json")),
                "events", Files.readAllBytes(dir.resolve("events/chat-1.json")));
    }

    @Test
    @DisplayName("saves of a growing conversation leave the files exactly as a whole rewrite would, without rewriting them")
    void appendsGiveTheSameBytesAsAWholeRewrite() throws IOException {
        for (int step = 1; step <= 5; step++) {
            world = grow(world, step);
            store.save(ALICE_HOME, world);
        }
        int replacedBefore = countReplaced("memory.json", "chat-1.json");
        for (int step = 6; step <= 8; step++) {
            world = grow(world, step);
            store.save(ALICE_HOME, world);
        }

        Map<String, byte[]> whole = wholeRewriteOf(world);
        assertThat(new String(Files.readAllBytes(memoryFile("poet")), StandardCharsets.UTF_8))
                .isEqualTo(new String(whole.get("memory"), StandardCharsets.UTF_8));
        assertThat(new String(Files.readAllBytes(eventFile()), StandardCharsets.UTF_8))
                .isEqualTo(new String(whole.get("events"), StandardCharsets.UTF_8));
        assertThat(countReplaced("memory.json", "chat-1.json"))
                .as("once written whole, the growing files are only appended to (no temporary file and rename)")
                .isEqualTo(replacedBefore);
        assertThat(store.load(ALICE_HOME)).isEqualTo(WorldOrder.canonical(world));
    }

    @Test
    @DisplayName("a file changed by someone else since the last save is rewritten whole, not appended to")
    void foreignChangeForcesAWholeRewrite() throws IOException {
        world = grow(world, 1);
        store.save(ALICE_HOME, world);
        // another server (or a person) writes a different memory of the same length
        byte[] foreign = Files.readAllBytes(memoryFile("poet"));
        String text = new String(foreign, StandardCharsets.UTF_8).replace("verse 1", "VERSE 1");
        Files.writeString(memoryFile("poet"), text);

        world = grow(world, 2);
        store.save(ALICE_HOME, world);

        assertThat(new String(Files.readAllBytes(memoryFile("poet")), StandardCharsets.UTF_8))
                .doesNotContain("VERSE 1")
                .isEqualTo(new String(wholeRewriteOf(world).get("memory"), StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("a memory that was edited rather than extended is rewritten whole")
    void editedMemoryIsRewritten() {
        world = grow(grow(world, 1), 2);
        store.save(ALICE_HOME, world);
        dev.worldws.api.world.Agent poet = world.agent(AgentId.of("poet")).orElseThrow();
        World cleared = world.withAgent(new dev.worldws.api.world.Agent(poet.config(), poet.systemPrompt(), List.of()));
        store.save(ALICE_HOME, cleared);
        assertThat(store.load(ALICE_HOME).agent(AgentId.of("poet")).orElseThrow().memory()).isEmpty();

        World again = SampleWorlds.remember(cleared, "poet", "a fresh start");
        store.save(ALICE_HOME, again);
        assertThat(store.load(ALICE_HOME).agent(AgentId.of("poet")).orElseThrow().memory())
                .extracting(item -> item.content()).containsExactly("a fresh start");
    }

    @Test
    @DisplayName("a file cut short by a crash during an append reads back as the items stored before the cut, and the next save makes it whole")
    void cutShortFileKeepsWhatWasStoredBefore() throws IOException {
        world = grow(world, 1);
        store.save(ALICE_HOME, world);
        World beforeCrash = world;
        long sizeBefore = Files.size(eventFile());
        world = grow(world, 2);
        store.save(ALICE_HOME, world);
        // the crash: the append had written only part of the new item
        long sizeAfter = Files.size(eventFile());
        try (FileChannel channel = FileChannel.open(eventFile(), StandardOpenOption.WRITE)) {
            channel.truncate(sizeBefore + (sizeAfter - sizeBefore) / 2);
        }
        FileWorldStore restarted = new FileWorldStore(dataDir, clock, new AtomicFiles());

        World read = restarted.load(ALICE_HOME);
        assertThat(read.events()).isEqualTo(beforeCrash.events());

        restarted.save(ALICE_HOME, world);
        assertThat(restarted.load(ALICE_HOME).events()).isEqualTo(world.events());
        assertThat(new String(Files.readAllBytes(eventFile()), StandardCharsets.UTF_8))
                .isEqualTo(new String(wholeRewriteOf(world).get("events"), StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("zeros a file system left after a cut are ignored")
    void zerosAfterTheCutAreIgnored() throws IOException {
        world = grow(world, 1);
        store.save(ALICE_HOME, world);
        byte[] stored = Files.readAllBytes(memoryFile("poet"));
        byte[] cutAndPadded = Arrays.copyOf(Arrays.copyOf(stored, stored.length - 40), stored.length - 40 + 4096);
        Files.write(memoryFile("poet"), cutAndPadded);

        World read = new FileWorldStore(dataDir, clock, new AtomicFiles()).load(ALICE_HOME);
        assertThat(read.agent(AgentId.of("poet")).orElseThrow().memory())
                .isEqualTo(SampleWorlds.agent("poet").memory());
    }

    @Test
    @DisplayName("damage in the middle of a growing file is still reported as corrupt, naming the file")
    void damageInTheMiddleIsCorrupt() throws IOException {
        world = grow(grow(world, 1), 2);
        store.save(ALICE_HOME, world);
        String text = Files.readString(eventFile());
        Files.writeString(eventFile(), text.replaceFirst("\"type\"", "\"type\" oops"));

        assertThatThrownBy(() -> new FileWorldStore(dataDir, clock, new AtomicFiles()).load(ALICE_HOME))
                .isInstanceOf(CorruptWorldException.class)
                .hasMessageContaining("events/chat-1.json");
    }

    @Test
    @DisplayName("after release, deletion or a new clone of the same name, saves never build on what was forgotten")
    void releaseAndDeleteForgetWhatWasWritten() throws IOException {
        world = grow(world, 1);
        store.save(ALICE_HOME, world);
        store.release(ALICE_HOME);
        world = grow(world, 2);
        store.save(ALICE_HOME, world);
        assertThat(store.load(ALICE_HOME)).isEqualTo(WorldOrder.canonical(world));

        store.delete(ALICE_HOME);
        World fresh = store.cloneFromTemplate(TemplateName.of("garden"), ALICE_HOME);
        World grown = grow(fresh, 1);
        store.save(ALICE_HOME, grown);
        assertThat(store.load(ALICE_HOME)).isEqualTo(WorldOrder.canonical(grown));
        assertThat(new String(Files.readAllBytes(eventFile()), StandardCharsets.UTF_8))
                .isEqualTo(new String(wholeRewriteOf(grown).get("events"), StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("a save rewrites only the files whose content changed")
    void unchangedFilesAreNotWrittenAgain() throws IOException {
        world = grow(world, 1);
        store.save(ALICE_HOME, world);
        int before = countReplaced("config.json", "system-prompt.md");

        world = grow(world, 2);
        store.save(ALICE_HOME, world);
        assertThat(countReplaced("config.json", "system-prompt.md")).isEqualTo(before);

        dev.worldws.api.world.Agent poet = world.agent(AgentId.of("poet")).orElseThrow();
        world = world.withAgent(poet.withConfig(poet.config().withLlmCallCount(3)));
        store.save(ALICE_HOME, world);
        assertThat(countReplaced("config.json", "system-prompt.md")).as("only the poet's config changed")
                .isEqualTo(before + 1);
        assertThat(store.load(ALICE_HOME)).isEqualTo(WorldOrder.canonical(world));
    }

    @ParameterizedTest
    @ValueSource(strings = {"agents/poet/config.json", "config.json"})
    @DisplayName("a config edited by someone else (an agent's, or the world's own, whose state the save's existence"
            + " check reads) is put back by the next save even when the world did not change it")
    void foreignEditOfAnUnchangedFileIsRepaired(String file) throws IOException {
        store.save(ALICE_HOME, world);
        Path config = worldDir().resolve(file);
        String ours = Files.readString(config);
        Files.writeString(config, ours.replace("}", ", \"edited\": true}"));

        store.save(ALICE_HOME, world);

        assertThat(Files.readString(config)).isEqualTo(ours);
    }

    @Test
    @DisplayName("an agent folder swapped for a link into a template between saves is refused, and the template is untouched")
    void folderSwappedForALinkIsRefused() throws IOException {
        store.save(ALICE_HOME, world);
        Path poetDir = worldDir().resolve("agents/poet");
        Path templatePoet = dataDir.resolve("worlds/garden/agents/poet");
        byte[] templateConfig = Files.readAllBytes(templatePoet.resolve("config.json"));
        try (java.util.stream.Stream<Path> walk = Files.walk(poetDir)) {
            for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
        Files.createSymbolicLink(poetDir, templatePoet);

        dev.worldws.api.world.Agent poet = world.agent(AgentId.of("poet")).orElseThrow();
        World changed = world.withAgent(poet.withConfig(poet.config().withLlmCallCount(2)));
        assertThatThrownBy(() -> store.save(ALICE_HOME, changed))
                .isInstanceOf(dev.worldws.api.ReadOnlyTemplateException.class);
        assertThat(Files.readAllBytes(templatePoet.resolve("config.json"))).isEqualTo(templateConfig);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"agents/poet", "agents", "events", "chats"})
    @DisplayName("a folder of a clone swapped for a link into its template before the world's first save is refused, and"
            + " the template is untouched")
    void folderSwappedForALinkBeforeTheFirstSaveIsRefused(String folder) throws IOException {
        Path swapped = worldDir().resolve(folder);
        Path templateFolder = dataDir.resolve("worlds/garden").resolve(folder);
        String template = FileWorldStoreSafetyTest.treeHash(dataDir.resolve("worlds"));
        try (java.util.stream.Stream<Path> walk = Files.walk(swapped)) {
            for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
        Files.createSymbolicLink(swapped, templateFolder);

        World changed = grow(world, 1);
        dev.worldws.api.world.Agent poet = changed.agent(AgentId.of("poet")).orElseThrow();
        World everywhere = changed.withAgent(poet.withConfig(poet.config().withLlmCallCount(2)))
                .withChats(List.of(renamed(changed.chats().get(0))));
        assertThatThrownBy(() -> store.save(ALICE_HOME, everywhere))
                .isInstanceOf(dev.worldws.api.ReadOnlyTemplateException.class);
        assertThat(FileWorldStoreSafetyTest.treeHash(dataDir.resolve("worlds"))).isEqualTo(template);
    }

    private static dev.worldws.api.world.Chat renamed(dev.worldws.api.world.Chat chat) {
        return new dev.worldws.api.world.Chat(chat.id(), chat.worldId(), "renamed", chat.createdAt(), chat.updatedAt(),
                chat.messageCount(), chat.extra());
    }

    private static Object inode(Path file) throws IOException {
        return Files.getAttribute(file, "unix:ino");
    }

    @Test
    @DisplayName("the first save of a clone appends to the files it copied and fills an empty memory in place: no file is made anew")
    void firstSaveOfACloneWritesNoFileAnew() throws IOException {
        Path templateMemory = dataDir.resolve("worlds/garden/agents/gardener/memory.json");
        Files.writeString(templateMemory, "[]\n");
        store.delete(ALICE_HOME);
        world = store.cloneFromTemplate(TemplateName.of("garden"), ALICE_HOME);
        assertThat(world.agent(AgentId.of("gardener")).orElseThrow().memory()).isEmpty();
        Object gardenerFile = inode(memoryFile("gardener"));
        Object poetFile = inode(memoryFile("poet"));
        Object eventsFile = inode(eventFile());
        int replacedBefore = countReplaced("memory.json", "chat-1.json");

        world = SampleWorlds.remember(grow(world, 1), "gardener", "a first thought\nin two lines");
        store.save(ALICE_HOME, world);

        assertThat(countReplaced("memory.json", "chat-1.json")).as("no temporary file and rename").isEqualTo(replacedBefore);
        assertThat(List.of(inode(memoryFile("gardener")), inode(memoryFile("poet")), inode(eventFile())))
                .as("the same files, written in place").containsExactly(gardenerFile, poetFile, eventsFile);
        assertThat(store.load(ALICE_HOME)).isEqualTo(WorldOrder.canonical(world));
        assertThat(Files.readString(memoryFile("gardener"))).as("rendered as a whole rewrite would")
                .startsWith("[\n  {\n    \"role\": \"assistant\"").endsWith("\n]\n");
        assertThat(Files.readString(templateMemory)).as("the template").isEqualTo("[]\n");
    }

    @Test
    @DisplayName("after a restart, the first save appends to what the load read, giving the bytes of a whole rewrite")
    void firstSaveAfterALoadAppends() throws IOException {
        world = grow(world, 1);
        store.save(ALICE_HOME, world);
        FileWorldStoreSafetyTest.RecordingFiles restartedFiles = new FileWorldStoreSafetyTest.RecordingFiles();
        FileWorldStore restarted = new FileWorldStore(dataDir, clock, restartedFiles);
        world = restarted.load(ALICE_HOME);
        Object memoryInode = inode(memoryFile("poet"));

        world = grow(world, 2);
        restarted.save(ALICE_HOME, world);

        assertThat(restartedFiles.written).as("nothing written through a temporary file").isEmpty();
        assertThat(inode(memoryFile("poet"))).isEqualTo(memoryInode);
        Map<String, byte[]> whole = wholeRewriteOf(world);
        assertThat(Files.readString(memoryFile("poet"))).isEqualTo(new String(whole.get("memory"), StandardCharsets.UTF_8));
        assertThat(Files.readString(eventFile())).isEqualTo(new String(whole.get("events"), StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"one line", "pretty, closed on the last item's line"})
    @DisplayName("growing files that another tool laid out otherwise are left alone while unchanged and rewritten whole"
            + " when they grow, never appended into")
    void otherLayoutsAreRewrittenWhenTheyGrow(String layout) throws IOException {
        world = grow(world, 1);
        store.save(ALICE_HOME, world);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (Path file : List.of(memoryFile("poet"), eventFile())) {
            Object parsed = json.readValue(file.toFile(), Object.class);
            Files.write(file, layout.equals("one line") ? json.writeValueAsBytes(parsed)
                    : json.writerWithDefaultPrettyPrinter().writeValueAsBytes(parsed));
        }
        byte[] otherMemory = Files.readAllBytes(memoryFile("poet"));
        FileWorldStore restarted = new FileWorldStore(dataDir, clock, new AtomicFiles());
        world = restarted.load(ALICE_HOME);

        restarted.save(ALICE_HOME, world);
        assertThat(Files.readAllBytes(memoryFile("poet"))).as("unchanged: left as the other tool wrote it")
                .isEqualTo(otherMemory);

        world = grow(world, 2);
        restarted.save(ALICE_HOME, world);
        Map<String, byte[]> whole = wholeRewriteOf(world);
        assertThat(Files.readString(memoryFile("poet"))).isEqualTo(new String(whole.get("memory"), StandardCharsets.UTF_8));
        assertThat(Files.readString(eventFile())).isEqualTo(new String(whole.get("events"), StandardCharsets.UTF_8));
        assertThat(new FileWorldStore(dataDir, clock, new AtomicFiles()).load(ALICE_HOME))
                .isEqualTo(WorldOrder.canonical(world));
    }

    @Test
    @DisplayName("a loaded memory file hard-linked elsewhere (a world copied with cp -al) is replaced, never written through")
    void hardLinkedFileAtLoadIsReplaced() throws IOException {
        Path elsewhere = savedAndLinkedElsewhere();
        byte[] linked = Files.readAllBytes(elsewhere);
        FileWorldStore restarted = new FileWorldStore(dataDir, clock, new AtomicFiles());
        world = grow(restarted.load(ALICE_HOME), 1);

        assertSavedWithoutWritingThrough(restarted, elsewhere, linked);
    }

    @Test
    @DisplayName("a memory file this store wrote and someone then hard-linked elsewhere is replaced at the next save, never appended through")
    void hardLinkedAfterOwnWriteIsReplaced() throws IOException {
        Path elsewhere = savedAndLinkedElsewhere();
        byte[] linked = Files.readAllBytes(elsewhere);
        world = grow(world, 1);

        assertSavedWithoutWritingThrough(store, elsewhere, linked);
    }

    /** Saves the world, then gives the poet's memory file a second name (as {@code cp -al} would); returns it. */
    private Path savedAndLinkedElsewhere() throws IOException {
        store.save(ALICE_HOME, world);
        Path elsewhere = dataDir.resolve("worlds/garden/copied-memory.json");
        Files.createLink(elsewhere, memoryFile("poet"));
        return elsewhere;
    }

    /** Saves the (grown) world through {@code saver}: the other name keeps {@code linked}, the world reads back whole. */
    private void assertSavedWithoutWritingThrough(FileWorldStore saver, Path elsewhere, byte[] linked) throws IOException {
        saver.save(ALICE_HOME, world);

        assertThat(Files.readAllBytes(elsewhere)).as("the other name's content").isEqualTo(linked);
        assertThat(saver.load(ALICE_HOME)).isEqualTo(WorldOrder.canonical(world));
    }

    @Test
    @DisplayName("an empty memory hard-linked to the template's (a world copied with cp -al) is replaced, and the template stays empty")
    void emptyMemoryLinkedToTheTemplateIsReplaced() throws IOException {
        Path templateMemory = dataDir.resolve("worlds/garden/agents/gardener/memory.json");
        Files.writeString(templateMemory, "[]\n");
        Files.delete(memoryFile("gardener"));
        Files.createLink(memoryFile("gardener"), templateMemory);
        FileWorldStore restarted = new FileWorldStore(dataDir, clock, new AtomicFiles());
        world = SampleWorlds.remember(restarted.load(ALICE_HOME), "gardener", "mine alone");

        restarted.save(ALICE_HOME, world);

        assertThat(Files.readString(templateMemory)).isEqualTo("[]\n");
        assertThat(restarted.load(ALICE_HOME)).isEqualTo(WorldOrder.canonical(world));
    }

    @Test
    @DisplayName("a world whose chats take turns is saved at a cost that does not grow with its conversation, and each chat's file holds that chat's events")
    void interleavedChatsAreSavedIncrementally() throws IOException {
        TakingTurns.Allocated saves = TakingTurns.save(world, grown -> store.save(ALICE_HOME, grown));

        assertThat(saves.late())
                .as("100 saves of a 2,400-event log allocate about what 100 saves of a 400-event log did (%d bytes), "
                        + "not the whole log again each time", saves.early())
                .isLessThan(2 * saves.early());
        World loaded = store.load(ALICE_HOME);
        assertThat(loaded.events()).hasSize(saves.world().events().size());
        for (String chat : TakingTurns.CHATS) {
            String file = new String(Files.readAllBytes(worldDir().resolve("events").resolve(chat + ".json")),
                    StandardCharsets.UTF_8);
            String other = chat.equals("chat-1") ? "chat-2" : "chat-1";
            assertThat(file).contains("\"turn " + TakingTurns.TURNS + " in " + chat + "\"").doesNotContain("in " + other + "\"");
            assertThat(TakingTurns.idsOf(loaded.events(), chat))
                    .containsExactlyElementsOf(TakingTurns.idsOf(saves.world().events(), chat));
        }
    }

    private int countReplaced(String... names) {
        List<String> wanted = List.of(names);
        synchronized (files.written) {
            return (int) files.written.stream().filter(path -> wanted.contains(path.getFileName().toString())).count();
        }
    }
}
