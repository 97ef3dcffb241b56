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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worlds cloned from one template hold one instance of each value they have not changed (agent configs,
 * prompts, chats, the world config's texts and extra fields), so that a server with many idle worlds keeps the
 * template once rather than once per world. What a world holds never changes because of it.
 */
class FileWorldStoreSharingTest {
    private static final TemplateName GARDEN = TemplateName.of("garden");
    private static final WorldKey ALICE = WorldKey.of("alice", "home");
    private static final WorldKey BOB = WorldKey.of("bob", "home");

    @TempDir
    Path dataDir;
    private final ManualClock clock = ManualClock.startingAtEpochOf2026();
    private FileWorldStore store;

    @BeforeEach
    void setUp() {
        TemplateFolders.write(dataDir, SampleWorlds.templates());
        store = new FileWorldStore(dataDir, clock, new AtomicFiles());
    }

    private static Agent agent(World world, String id) {
        return world.agent(AgentId.of(id)).orElseThrow();
    }

    @Test
    @DisplayName("two users' clones of a template share its unchanged values, and read back equal")
    void clonesShareTheTemplatesValues() {
        World alice = store.cloneFromTemplate(GARDEN, ALICE);
        World bob = store.cloneFromTemplate(GARDEN, BOB);

        Agent alicePoet = agent(alice, "poet");
        Agent bobPoet = agent(bob, "poet");
        assertThat(bobPoet.config()).isSameAs(alicePoet.config());
        assertThat(bobPoet.systemPrompt()).isSameAs(alicePoet.systemPrompt());
        assertThat(bob.chats().get(0)).isSameAs(alice.chats().get(0));
        assertThat(bob.config().extra()).isSameAs(alice.config().extra());
        assertThat(bob.config().description()).isSameAs(alice.config().description());
        // what differs stays each world's own
        assertThat(bob.config().metadata().clonedFor()).isNotEqualTo(alice.config().metadata().clonedFor());

        FileWorldStore fresh = new FileWorldStore(dataDir, clock, new AtomicFiles());
        assertThat(fresh.load(BOB)).isEqualTo(bob);
        assertThat(store.load(ALICE)).isEqualTo(alice);
    }

    @Test
    @DisplayName("after a restart, loading a world shares with later clones of its template")
    void loadAfterRestartShares() {
        store.cloneFromTemplate(GARDEN, ALICE);
        FileWorldStore restarted = new FileWorldStore(dataDir, clock, new AtomicFiles());

        World alice = restarted.load(ALICE);
        World bob = restarted.cloneFromTemplate(GARDEN, BOB);

        assertThat(agent(bob, "gardener").config()).isSameAs(agent(alice, "gardener").config());
    }

    @Test
    @DisplayName("a value a world changed is its own, saved and loaded as changed")
    void changedValuesStayOwn() {
        World alice = store.cloneFromTemplate(GARDEN, ALICE);
        World bob = store.cloneFromTemplate(GARDEN, BOB);
        Agent poet = agent(alice, "poet");
        World changed = alice.withAgent(new Agent(poet.config().withLlmCallCount(7), "A new prompt.", poet.memory()));
        store.save(ALICE, changed);

        World reloaded = new FileWorldStore(dataDir, clock, new AtomicFiles()).load(ALICE);

        Agent reloadedPoet = agent(reloaded, "poet");
        assertThat(reloadedPoet.config().llmCallCount()).isEqualTo(7);
        assertThat(reloadedPoet.systemPrompt()).isEqualTo("A new prompt.");
        assertThat(reloaded).isEqualTo(changed);
        assertThat(store.load(BOB)).isEqualTo(bob);
    }

    @Test
    @DisplayName("a world whose template is gone or unreadable loads as it is")
    void missingTemplate() throws IOException {
        World alice = store.cloneFromTemplate(GARDEN, ALICE);
        Path templateConfig = store.layout().templateDir(GARDEN).resolve("config.json");
        Files.writeString(templateConfig, "{ not json", StandardCharsets.UTF_8);

        World loaded = new FileWorldStore(dataDir, clock, new AtomicFiles()).load(ALICE);

        assertThat(loaded).isEqualTo(alice);
    }
}
