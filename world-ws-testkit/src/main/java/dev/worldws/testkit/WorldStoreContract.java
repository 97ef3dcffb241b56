package dev.worldws.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.worldws.api.AgentId;
import dev.worldws.api.TemplateName;
import dev.worldws.api.TemplateNotFoundException;
import dev.worldws.api.UserId;
import dev.worldws.api.WorldExistsException;
import dev.worldws.api.WorldKey;
import dev.worldws.api.WorldName;
import dev.worldws.api.WorldNotFoundException;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.api.world.Agent;
import dev.worldws.api.world.Chat;
import dev.worldws.api.world.CloneMetadata;
import dev.worldws.api.world.EventLogEntry;
import dev.worldws.api.world.World;
import dev.worldws.api.world.WorldConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link WorldStore} satisfies. Extend it and implement {@link #createStore}; skip nothing.
 *
 * <p>Worlds are compared whole with {@code equals}: a store returns exactly what was saved, in the canonical order
 * of {@link SampleWorlds} (agents and chats by id, events grouped by chat), unknown JSON fields included.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class WorldStoreContract {
    protected static final TemplateName GARDEN = TemplateName.of("garden");
    protected static final TemplateName WORKSHOP = TemplateName.of("workshop");
    protected static final UserId ALICE = UserId.of("alice");
    protected static final UserId BOB = UserId.of("bob");
    protected static final WorldKey ALICE_HOME = new WorldKey(ALICE, WorldName.of("home"));
    protected static final WorldKey BOB_HOME = new WorldKey(BOB, WorldName.of("home"));

    protected ManualClock clock;
    protected WorldStore store;

    /**
     * Returns a new store, isolated from every other store this method returned, whose templates are exactly
     * {@code templates} and which stamps clones with {@code clock}.
     */
    protected abstract WorldStore createStore(Map<TemplateName, World> templates, Clock clock);

    @BeforeEach
    final void setUpStore() {
        clock = ManualClock.startingAtEpochOf2026();
        store = createStore(SampleWorlds.templates(), clock);
    }

    private static World template(TemplateName name) {
        return SampleWorlds.templates().get(name);
    }

    private static World withoutMetadata(World world) {
        return world.withConfig(world.config().withMetadata(null));
    }

    private static WorldConfig renamed(WorldConfig config, String name) {
        return new WorldConfig(config.id(), name, config.description(), config.turnLimit(), config.mainAgent(),
                config.currentChatId(), config.metadata(), config.extra());
    }

    @Nested
    @DisplayName("templates")
    class Templates {
        @Test
        @DisplayName("are listed by name, sorted")
        void listed() {
            assertThat(store.listTemplates()).containsExactly(GARDEN, WORKSHOP);
        }

        @Test
        @DisplayName("exist by name, and an unknown name does not")
        void exist() {
            assertThat(store.templateExists(GARDEN)).isTrue();
            assertThat(store.templateExists(TemplateName.of("atlantis"))).isFalse();
        }

        @Test
        @DisplayName("load whole: config, agents with prompts and memory, chats, events and unknown fields")
        void loadWhole() {
            assertThat(store.loadTemplate(GARDEN)).isEqualTo(template(GARDEN));
            assertThat(store.loadTemplate(WORKSHOP)).isEqualTo(template(WORKSHOP));
        }

        @Test
        @DisplayName("an unknown template is a TemplateNotFoundException naming it")
        void unknown() {
            assertThatThrownBy(() -> store.loadTemplate(TemplateName.of("atlantis")))
                    .isInstanceOf(TemplateNotFoundException.class)
                    .hasMessageContaining("atlantis")
                    .extracting("code").isEqualTo("template_not_found");
        }
    }

    @Nested
    @DisplayName("cloning")
    class Cloning {
        @Test
        @DisplayName("a clone is the template plus {originalTemplate, clonedFor, clonedAt}")
        void recordsMetadata() {
            clock.advance(Duration.ofHours(5));
            World clone = store.cloneFromTemplate(GARDEN, ALICE_HOME);
            assertThat(clone.config().metadata()).isEqualTo(new CloneMetadata(GARDEN, ALICE, clock.instant()));
            assertThat(withoutMetadata(clone)).isEqualTo(template(GARDEN));
            assertThat(store.load(ALICE_HOME)).isEqualTo(clone);
        }

        @Test
        @DisplayName("clonedAt is kept to the millisecond, as agent-world writes timestamps")
        void clonedAtMillis() {
            clock.set(java.time.Instant.parse("2026-02-03T04:05:06.123456789Z"));
            World clone = store.cloneFromTemplate(GARDEN, ALICE_HOME);
            assertThat(clone.config().metadata().clonedAt())
                    .isEqualTo(java.time.Instant.parse("2026-02-03T04:05:06.123Z"));
            assertThat(store.load(ALICE_HOME)).isEqualTo(clone);
        }

        @Test
        @DisplayName("creates the user's space and lists the new world")
        void createsSpace() {
            store.cloneFromTemplate(WORKSHOP, ALICE_HOME);
            assertThat(store.listWorlds(ALICE)).containsExactly(WorldName.of("home"));
            assertThat(store.exists(ALICE_HOME)).isTrue();
        }

        @Test
        @DisplayName("a clone is independent: changing it changes neither the template nor later clones")
        void independent() {
            World clone = store.cloneFromTemplate(GARDEN, ALICE_HOME);
            World changed = SampleWorlds.remember(clone, "poet", "a private thought")
                    .withConfig(renamed(clone.config(), "Alice's garden"));
            store.save(ALICE_HOME, changed);

            assertThat(store.loadTemplate(GARDEN)).isEqualTo(template(GARDEN));
            World bobs = store.cloneFromTemplate(GARDEN, BOB_HOME);
            assertThat(withoutMetadata(bobs)).isEqualTo(template(GARDEN));
            assertThat(store.load(ALICE_HOME)).isEqualTo(changed);
        }

        @Test
        @DisplayName("cloning onto an existing world is a WorldExistsException and leaves that world as it was")
        void existing() {
            World first = store.cloneFromTemplate(GARDEN, ALICE_HOME);
            assertThatThrownBy(() -> store.cloneFromTemplate(WORKSHOP, ALICE_HOME))
                    .isInstanceOf(WorldExistsException.class)
                    .hasMessageContaining("home")
                    .hasMessageContaining("alice");
            assertThat(store.load(ALICE_HOME)).isEqualTo(first);
        }

        @Test
        @DisplayName("cloning an unknown template is a TemplateNotFoundException and creates no world")
        void unknownTemplate() {
            assertThatThrownBy(() -> store.cloneFromTemplate(TemplateName.of("atlantis"), ALICE_HOME))
                    .isInstanceOf(TemplateNotFoundException.class)
                    .hasMessageContaining("atlantis");
            assertThat(store.exists(ALICE_HOME)).isFalse();
            assertThat(store.listWorlds(ALICE)).isEmpty();
        }

        @Test
        @DisplayName("one user may clone the same template under several names")
        void severalNames() {
            store.cloneFromTemplate(GARDEN, ALICE_HOME);
            store.cloneFromTemplate(GARDEN, new WorldKey(ALICE, WorldName.of("allotment")));
            assertThat(store.listWorlds(ALICE)).containsExactly(WorldName.of("allotment"), WorldName.of("home"));
        }
    }

    @Nested
    @DisplayName("loading and saving")
    class LoadingAndSaving {
        @Test
        @DisplayName("a saved world loads back equal, unknown fields and multi-line memory included")
        void roundTrip() {
            World clone = store.cloneFromTemplate(GARDEN, ALICE_HOME);
            World changed = SampleWorlds.remember(clone, "gardener", "line one\nline two\n\nline four");
            store.save(ALICE_HOME, changed);
            assertThat(store.load(ALICE_HOME)).isEqualTo(changed);
        }

        @Test
        @DisplayName("the last save wins")
        void lastWins() {
            World clone = store.cloneFromTemplate(GARDEN, ALICE_HOME);
            store.save(ALICE_HOME, SampleWorlds.remember(clone, "poet", "first"));
            World second = SampleWorlds.remember(clone, "poet", "second");
            store.save(ALICE_HOME, second);
            assertThat(store.load(ALICE_HOME)).isEqualTo(second);
        }

        @Test
        @DisplayName("a conversation saved message by message loads back whole, also after the world was released")
        void growingConversation() {
            World world = store.cloneFromTemplate(GARDEN, ALICE_HOME);
            for (int i = 1; i <= 4; i++) {
                world = SampleWorlds.remember(SampleWorlds.remember(world, "poet", "verse " + i), "gardener", "row " + i);
                store.save(ALICE_HOME, world);
                assertThat(store.load(ALICE_HOME)).isEqualTo(world);
            }
            store.release(ALICE_HOME);
            assertThat(store.load(ALICE_HOME)).as("release changes nothing stored").isEqualTo(world);
            world = SampleWorlds.remember(world, "poet", "after the release");
            store.save(ALICE_HOME, world);
            assertThat(store.load(ALICE_HOME)).isEqualTo(world);
        }

        @Test
        @DisplayName("agents, chats and events removed in a save are gone when loaded")
        void removals() {
            World clone = store.cloneFromTemplate(GARDEN, ALICE_HOME);
            List<Agent> onlyGardener = clone.agents().stream()
                    .filter(agent -> agent.id().equals(AgentId.of("gardener"))).toList();
            World smaller = new World(clone.config(), onlyGardener, List.of(), List.of());
            store.save(ALICE_HOME, smaller);
            assertThat(store.load(ALICE_HOME)).isEqualTo(smaller);
        }

        @Test
        @DisplayName("events of two chats, interleaved, come back grouped by chat, each chat's in order, also after more")
        void eventsOfTwoChats() {
            World clone = store.cloneFromTemplate(GARDEN, ALICE_HOME);
            Chat second = new Chat("chat-2", clone.config().id(), "Second chat", clock.instant(), clock.instant(), 0,
                    Map.of());
            List<Chat> chats = new ArrayList<>(clone.chats());
            chats.add(second);
            World world = clone.withChats(chats).withEvents(List.of());
            for (int i = 1; i <= 4; i++) {
                world = world.withEventAppended(event("e" + i, world, i % 2 == 0 ? "chat-2" : "chat-1", i));
            }
            store.save(ALICE_HOME, world);
            assertThat(store.load(ALICE_HOME)).isEqualTo(groupedByChat(world));

            world = world.withEventAppended(event("e5", world, "chat-1", 5))
                    .withEventAppended(event("e6", world, "chat-2", 6));
            store.save(ALICE_HOME, world);
            assertThat(store.load(ALICE_HOME).events()).extracting(EventLogEntry::id)
                    .containsExactly("e1", "e3", "e5", "e2", "e4", "e6");
            assertThat(store.load(ALICE_HOME)).isEqualTo(groupedByChat(world));

            World oneChat = world.withEvents(world.events().stream()
                    .filter(entry -> entry.chatId().equals("chat-1")).toList());
            store.save(ALICE_HOME, oneChat);
            assertThat(store.load(ALICE_HOME).events()).extracting(EventLogEntry::id).containsExactly("e1", "e3", "e5");
        }

        private EventLogEntry event(String id, World world, String chatId, int seq) {
            return new EventLogEntry(id, world.config().id(), chatId, "message", Map.of("content", "message " + id),
                    Map.of(), clock.instant().plusSeconds(seq), seq, Map.of());
        }

        private World groupedByChat(World world) {
            List<EventLogEntry> grouped = new ArrayList<>(world.events());
            grouped.sort(java.util.Comparator.comparing(EventLogEntry::chatId));
            return world.withEvents(grouped);
        }

        @Test
        @DisplayName("an added agent is stored")
        void addedAgent() {
            World clone = store.cloneFromTemplate(WORKSHOP, ALICE_HOME);
            World grown = clone.withAgent(SampleWorlds.agent("apprentice"));
            store.save(ALICE_HOME, grown);
            assertThat(store.load(ALICE_HOME)).isEqualTo(grown);
            assertThat(store.load(ALICE_HOME).agents()).extracting(agent -> agent.id().value())
                    .containsExactly("apprentice", "smith");
        }

        @Test
        @DisplayName("loading an unknown world is a WorldNotFoundException naming world and user")
        void unknownWorld() {
            assertThatThrownBy(() -> store.load(ALICE_HOME))
                    .isInstanceOf(WorldNotFoundException.class)
                    .hasMessageContaining("home")
                    .hasMessageContaining("alice")
                    .extracting("code").isEqualTo("world_not_found");
        }

        @Test
        @DisplayName("saving a world that was never cloned is refused and creates nothing")
        void saveUnknown() {
            assertThatThrownBy(() -> store.save(ALICE_HOME, template(GARDEN)))
                    .isInstanceOf(WorldNotFoundException.class);
            assertThat(store.exists(ALICE_HOME)).isFalse();
            assertThat(store.listWorlds(ALICE)).isEmpty();
        }

        @Test
        @DisplayName("saving a deleted world is refused: a save never resurrects it")
        void saveDeleted() {
            World clone = store.cloneFromTemplate(GARDEN, ALICE_HOME);
            store.delete(ALICE_HOME);
            assertThatThrownBy(() -> store.save(ALICE_HOME, clone)).isInstanceOf(WorldNotFoundException.class);
            assertThat(store.exists(ALICE_HOME)).isFalse();
        }

        @Test
        @DisplayName("concurrent saves of one world converge on one whole saved version")
        void concurrentSaves() throws Exception {
            World clone = store.cloneFromTemplate(GARDEN, ALICE_HOME);
            int writers = 4;
            int savesEach = 10;
            List<World> versions = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                for (int s = 0; s < savesEach; s++) {
                    String tag = "writer-" + w + "-save-" + s;
                    World version = SampleWorlds.remember(SampleWorlds.remember(clone, "gardener", tag), "poet", tag)
                            .withConfig(renamed(clone.config(), tag));
                    versions.add(version);
                }
            }
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> done = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    List<World> mine = versions.subList(w * savesEach, (w + 1) * savesEach);
                    done.add(pool.submit(() -> {
                        go.await();
                        for (World version : mine) {
                            store.save(ALICE_HOME, version);
                            World seen = store.load(ALICE_HOME);
                            assertThat(versions).contains(seen);
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> future : done) {
                    future.get(30, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(versions).contains(store.load(ALICE_HOME));
        }
    }

    @Nested
    @DisplayName("listing and deleting")
    class ListingAndDeleting {
        @Test
        @DisplayName("a user's worlds are listed by name, sorted; a user without a space has none")
        void listed() {
            store.cloneFromTemplate(GARDEN, new WorldKey(ALICE, WorldName.of("zeta")));
            store.cloneFromTemplate(GARDEN, new WorldKey(ALICE, WorldName.of("alpha")));
            assertThat(store.listWorlds(ALICE)).containsExactly(WorldName.of("alpha"), WorldName.of("zeta"));
            assertThat(store.listWorlds(UserId.of("nobody"))).isEmpty();
        }

        @Test
        @DisplayName("delete removes one world, says whether there was one, and keeps the others")
        void delete() {
            WorldKey other = new WorldKey(ALICE, WorldName.of("other"));
            store.cloneFromTemplate(GARDEN, ALICE_HOME);
            World kept = store.cloneFromTemplate(WORKSHOP, other);
            assertThat(store.delete(ALICE_HOME)).isTrue();
            assertThat(store.delete(ALICE_HOME)).isFalse();
            assertThat(store.exists(ALICE_HOME)).isFalse();
            assertThatThrownBy(() -> store.load(ALICE_HOME)).isInstanceOf(WorldNotFoundException.class);
            assertThat(store.load(other)).isEqualTo(kept);
            assertThat(store.listWorlds(ALICE)).containsExactly(WorldName.of("other"));
        }

        @Test
        @DisplayName("a deleted world's name can be cloned again, fresh from the template")
        void recloneAfterDelete() {
            World clone = store.cloneFromTemplate(GARDEN, ALICE_HOME);
            store.save(ALICE_HOME, SampleWorlds.remember(clone, "poet", "old life"));
            store.delete(ALICE_HOME);
            clock.advance(Duration.ofMinutes(1));
            World again = store.cloneFromTemplate(GARDEN, ALICE_HOME);
            assertThat(withoutMetadata(again)).isEqualTo(template(GARDEN));
            assertThat(again.config().metadata().clonedAt()).isEqualTo(clock.instant());
        }
    }

    @Nested
    @DisplayName("user spaces")
    class UserSpaces {
        @Test
        @DisplayName("creating a space is idempotent and starts with no worlds")
        void create() {
            store.createUserSpace(ALICE);
            store.createUserSpace(ALICE);
            assertThat(store.listWorlds(ALICE)).isEmpty();
        }

        @Test
        @DisplayName("deleting a space deletes all its worlds, only its own, and is idempotent")
        void delete() {
            store.cloneFromTemplate(GARDEN, ALICE_HOME);
            store.cloneFromTemplate(WORKSHOP, new WorldKey(ALICE, WorldName.of("forge")));
            World bobs = store.cloneFromTemplate(GARDEN, BOB_HOME);
            store.deleteUserSpace(ALICE);
            store.deleteUserSpace(ALICE);
            assertThat(store.listWorlds(ALICE)).isEmpty();
            assertThat(store.exists(ALICE_HOME)).isFalse();
            assertThat(store.load(BOB_HOME)).isEqualTo(bobs);
            assertThat(store.listTemplates()).containsExactly(GARDEN, WORKSHOP);
            assertThat(store.loadTemplate(GARDEN)).isEqualTo(template(GARDEN));
        }

        @Test
        @DisplayName("listUsers names every user with a space, sorted, and forgets a deleted space")
        void listUsers() {
            assertThat(store.listUsers()).isEmpty();
            store.cloneFromTemplate(GARDEN, BOB_HOME);
            store.createUserSpace(ALICE);
            UserId carol = UserId.of("carol");
            store.cloneFromTemplate(WORKSHOP, new WorldKey(carol, WorldName.of("forge")));
            assertThat(store.listUsers()).containsExactly(ALICE, BOB, carol);

            store.deleteUserSpace(BOB);
            assertThat(store.listUsers()).containsExactly(ALICE, carol);
            store.delete(new WorldKey(carol, WorldName.of("forge")));
            assertThat(store.listUsers()).as("a space without worlds is still a space").containsExactly(ALICE, carol);
        }

        @Test
        @DisplayName("a user can clone again after their space was deleted")
        void reuse() {
            store.cloneFromTemplate(GARDEN, ALICE_HOME);
            store.deleteUserSpace(ALICE);
            store.cloneFromTemplate(WORKSHOP, ALICE_HOME);
            assertThat(store.load(ALICE_HOME).config().id()).isEqualTo("workshop");
        }
    }

    @Nested
    @DisplayName("isolation between users")
    class Isolation {
        @Test
        @DisplayName("two users with the same world name never see each other's changes")
        void sameName() {
            World alices = store.cloneFromTemplate(GARDEN, ALICE_HOME);
            World bobs = store.cloneFromTemplate(GARDEN, BOB_HOME);
            World changed = SampleWorlds.remember(alices, "poet", "alice's secret");
            store.save(ALICE_HOME, changed);
            assertThat(store.load(BOB_HOME)).isEqualTo(bobs);
            assertThat(store.load(ALICE_HOME)).isEqualTo(changed);
            assertThat(store.load(ALICE_HOME).config().metadata().clonedFor()).isEqualTo(ALICE);
            assertThat(store.load(BOB_HOME).config().metadata().clonedFor()).isEqualTo(BOB);
        }

        @Test
        @DisplayName("deleting one user's world leaves the other user's world of the same name")
        void deleteSameName() {
            store.cloneFromTemplate(GARDEN, ALICE_HOME);
            World bobs = store.cloneFromTemplate(GARDEN, BOB_HOME);
            store.delete(ALICE_HOME);
            assertThat(store.load(BOB_HOME)).isEqualTo(bobs);
            assertThat(store.listWorlds(BOB)).containsExactly(WorldName.of("home"));
        }

        @Test
        @DisplayName("listing is per user")
        void listing() {
            store.cloneFromTemplate(GARDEN, ALICE_HOME);
            store.cloneFromTemplate(GARDEN, new WorldKey(BOB, WorldName.of("bobs-own")));
            assertThat(store.listWorlds(ALICE)).containsExactly(WorldName.of("home"));
            assertThat(store.listWorlds(BOB)).containsExactly(WorldName.of("bobs-own"));
        }
    }
}
