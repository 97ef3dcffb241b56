package dev.worldws.core.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.worldws.api.TemplateName;
import dev.worldws.api.TemplateNotFoundException;
import dev.worldws.api.UserId;
import dev.worldws.api.WorldExistsException;
import dev.worldws.api.WorldKey;
import dev.worldws.api.WorldName;
import dev.worldws.api.WorldNotFoundException;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.api.world.World;
import dev.worldws.core.store.WorldStores;
import dev.worldws.testkit.ManualClock;
import dev.worldws.testkit.SampleWorlds;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class UserManagerTest {
    private static final TemplateName GARDEN = TemplateName.of("garden");
    private static final TemplateName WORKSHOP = TemplateName.of("workshop");
    private static final UserId ALICE = UserId.of("alice");
    private static final UserId BOB = UserId.of("bob");
    private static final WorldName HOME = WorldName.of("home");

    private final ManualClock clock = ManualClock.startingAtEpochOf2026();
    private final WorldStore store = WorldStores.inMemory(SampleWorlds.templates(), clock);
    private final UserManager users = UserManager.of(store, clock);

    @Nested
    @DisplayName("createUserSession")
    class CreateUserSession {
        @Test
        @DisplayName("clones the template for a new world and records who, what and when")
        void clonesNewWorld() {
            Instant start = clock.instant();
            UserSession session = users.createUserSession(ALICE, GARDEN, HOME, false);
            assertThat(session.userId()).isEqualTo(ALICE);
            assertThat(session.worldName()).isEqualTo(HOME);
            assertThat(session.templateName()).isEqualTo(GARDEN);
            assertThat(session.isPersistent()).isFalse();
            assertThat(session.createdAt()).isEqualTo(start);
            assertThat(session.lastAccessed()).isEqualTo(start);
            assertThat(session.world().config().metadata().clonedFor()).isEqualTo(ALICE);
            assertThat(store.exists(new WorldKey(ALICE, HOME))).isTrue();
        }

        @Test
        @DisplayName("opens the user's existing world instead of cloning over it, and keeps it persistent")
        void reopensExisting() {
            World existing = users.cloneWorldForUser(ALICE, GARDEN, HOME);
            World changed = SampleWorlds.remember(existing, "poet", "kept");
            users.saveUserWorld(ALICE, HOME, changed);
            UserSession session = users.createUserSession(ALICE, WORKSHOP, HOME, false);
            assertThat(session.world()).isEqualTo(changed);
            assertThat(session.templateName()).isEqualTo(GARDEN);
            assertThat(session.isPersistent()).isTrue();
            users.deleteUserSession(ALICE, HOME);
            assertThat(store.load(new WorldKey(ALICE, HOME))).isEqualTo(changed);
        }

        @Test
        @DisplayName("a second call returns the open session, marked accessed")
        void returnsOpenSession() {
            UserSession first = users.createUserSession(ALICE, GARDEN, HOME, false);
            clock.advance(Duration.ofMinutes(3));
            UserSession second = users.createUserSession(ALICE, GARDEN, HOME, true);
            assertThat(second.createdAt()).isEqualTo(first.createdAt());
            assertThat(second.lastAccessed()).isEqualTo(clock.instant());
            assertThat(second.isPersistent()).isTrue();
            assertThat(users.sessionCount()).isEqualTo(1);
        }

        @Test
        @DisplayName("an unknown template is a TemplateNotFoundException and opens nothing")
        void unknownTemplate() {
            assertThatThrownBy(() -> users.createUserSession(ALICE, TemplateName.of("atlantis"), HOME, true))
                    .isInstanceOf(TemplateNotFoundException.class).hasMessageContaining("atlantis");
            assertThat(users.getUserSession(ALICE, HOME)).isEmpty();
            assertThat(users.listUserWorlds(ALICE)).isEmpty();
        }
    }

    @Nested
    @DisplayName("getUserSession and deleteUserSession")
    class GetAndDelete {
        @Test
        @DisplayName("getUserSession finds the open session and marks it accessed; others are empty")
        void get() {
            users.createUserSession(ALICE, GARDEN, HOME, true);
            clock.advance(Duration.ofSeconds(42));
            assertThat(users.getUserSession(ALICE, HOME)).hasValueSatisfying(
                    session -> assertThat(session.lastAccessed()).isEqualTo(clock.instant()));
            assertThat(users.getUserSession(BOB, HOME)).isEmpty();
            assertThat(users.getUserSession(ALICE, WorldName.of("elsewhere"))).isEmpty();
        }

        @Test
        @DisplayName("deleting a non-persistent session deletes its world and the then empty user space")
        void nonPersistentCleanup() {
            users.createUserSession(ALICE, GARDEN, HOME, false);
            assertThat(users.deleteUserSession(ALICE, HOME)).isTrue();
            assertThat(users.getUserSession(ALICE, HOME)).isEmpty();
            assertThat(store.exists(new WorldKey(ALICE, HOME))).isFalse();
            assertThat(users.listUserWorlds(ALICE)).isEmpty();
            assertThat(users.deleteUserSession(ALICE, HOME)).isFalse();
        }

        @Test
        @DisplayName("deleting a persistent session keeps its world")
        void persistentKept() {
            users.createUserSession(ALICE, GARDEN, HOME, true);
            users.deleteUserSession(ALICE, HOME);
            assertThat(users.listUserWorlds(ALICE)).containsExactly(HOME);
        }

        @Test
        @DisplayName("deleting one user's session leaves another user's world of the same name")
        void otherUserUntouched() {
            users.createUserSession(ALICE, GARDEN, HOME, false);
            UserSession bobs = users.createUserSession(BOB, GARDEN, HOME, false);
            users.deleteUserSession(ALICE, HOME);
            assertThat(users.getUserSession(BOB, HOME)).isPresent();
            assertThat(store.load(new WorldKey(BOB, HOME))).isEqualTo(bobs.world());
        }
    }

    @Nested
    @DisplayName("worlds")
    class Worlds {
        @Test
        @DisplayName("listUserWorlds lists only the user's worlds, sorted")
        void list() {
            users.cloneWorldForUser(ALICE, WORKSHOP, WorldName.of("forge"));
            users.cloneWorldForUser(ALICE, GARDEN, HOME);
            users.cloneWorldForUser(BOB, GARDEN, WorldName.of("bobs"));
            assertThat(users.listUserWorlds(ALICE)).containsExactly(WorldName.of("forge"), HOME);
        }

        @Test
        @DisplayName("cloneWorldForUser refuses a name the user already has")
        void cloneExisting() {
            users.cloneWorldForUser(ALICE, GARDEN, HOME);
            assertThatThrownBy(() -> users.cloneWorldForUser(ALICE, WORKSHOP, HOME))
                    .isInstanceOf(WorldExistsException.class);
        }

        @Test
        @DisplayName("saveUserWorld stores the world and updates the open session")
        void save() {
            UserSession session = users.createUserSession(ALICE, GARDEN, HOME, true);
            clock.advance(Duration.ofMinutes(1));
            World changed = SampleWorlds.remember(session.world(), "gardener", "watered the roses");
            users.saveUserWorld(ALICE, HOME, changed);
            assertThat(store.load(new WorldKey(ALICE, HOME))).isEqualTo(changed);
            assertThat(users.getUserSession(ALICE, HOME).orElseThrow().world()).isEqualTo(changed);
        }

        @Test
        @DisplayName("saveUserWorld of a world that does not exist is a WorldNotFoundException")
        void saveUnknown() {
            assertThatThrownBy(() -> users.saveUserWorld(ALICE, HOME, SampleWorlds.templates().get(GARDEN)))
                    .isInstanceOf(WorldNotFoundException.class);
        }
    }

    @Test
    @DisplayName("many users opening and closing sessions at once end with no session and no leftover world")
    void concurrentChurn() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 25; i++) {
                        UserId user = UserId.of("anon-" + thread + "-" + i);
                        users.createUserSession(user, GARDEN, HOME, false);
                        users.createUserSession(user, WORKSHOP, WorldName.of("forge"), false);
                        users.deleteUserSession(user, HOME);
                        users.deleteUserSession(user, WorldName.of("forge"));
                        assertThat(users.listUserWorlds(user)).isEmpty();
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
        assertThat(users.sessionCount()).isZero();
    }
}
