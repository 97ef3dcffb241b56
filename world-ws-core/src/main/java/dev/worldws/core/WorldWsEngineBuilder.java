package dev.worldws.core;

import dev.worldws.api.spi.AgentResponder;
import dev.worldws.api.spi.Authenticator;
import dev.worldws.api.spi.EventBus;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.core.agent.AgentResponders;
import dev.worldws.core.bus.EventBuses;
import dev.worldws.core.store.WorldStores;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Configures a {@link WorldWsEngine}. Every setting has a default that runs offline (an in-memory store without
 * templates, the in-process bus, the offline responder, anonymous users). Not thread-safe.
 *
 * <pre>{@code
 * WorldWsEngine engine = WorldWsEngine.builder()
 *         .store(WorldStores.files(dataDir))
 *         .heartbeat(Heartbeat.of(Duration.ofSeconds(25), Duration.ofSeconds(20)))
 *         .build();
 * }</pre>
 */
public final class WorldWsEngineBuilder {
    WorldStore store;
    EventBus eventBus;
    AgentResponder responder = AgentResponders.offline();
    final Map<String, AgentResponder> responders = new HashMap<>();
    Authenticator authenticator = Authenticator.anonymous();
    Clock clock = Clock.systemUTC();
    ExecutorService executor;
    ExecutorService storageExecutor;
    ScheduledExecutorService scheduler;
    Limits limits = Limits.defaults();
    Heartbeat heartbeat = Heartbeat.defaults();
    Duration anonymousGracePeriod = Duration.ofMinutes(5);
    Duration replyTimeout = Duration.ofMinutes(2);
    Duration saveDelay = Duration.ofMillis(WorldRuntime.SAVE_DELAY_MILLIS);
    int historyLimit = 50;
    int concurrentSaves = DEFAULT_CONCURRENT_SAVES;
    byte[] resumeTokenSecret;
    boolean reclaimAnonymousUsers = true;
    String nodeId = "node-" + UUID.randomUUID().toString().substring(0, 8);

    WorldWsEngineBuilder() {
    }

    /** Where templates and worlds live. Default: an empty in-memory store (no templates), for tests. */
    public WorldWsEngineBuilder store(WorldStore worldStore) {
        this.store = Objects.requireNonNull(worldStore, "store");
        return this;
    }

    /** The bus world events travel on. Default: an in-process bus on the engine's clock, owned by the engine. */
    public WorldWsEngineBuilder eventBus(EventBus bus) {
        this.eventBus = Objects.requireNonNull(bus, "eventBus");
        return this;
    }

    /**
     * The responder for agents whose {@code provider} has no responder of its own ({@link #responder(String,
     * AgentResponder)}). Default: the built-in offline responder ({@link AgentResponders#offline()}).
     */
    public WorldWsEngineBuilder responder(AgentResponder agentResponder) {
        this.responder = Objects.requireNonNull(agentResponder, "responder");
        return this;
    }

    /**
     * The responder for agents whose config names {@code provider} (case-insensitive). Agents without a provider
     * count as provider {@code offline}.
     */
    public WorldWsEngineBuilder responder(String provider, AgentResponder agentResponder) {
        Objects.requireNonNull(provider, "provider");
        responders.put(provider.toLowerCase(Locale.ROOT), Objects.requireNonNull(agentResponder, "responder"));
        return this;
    }

    /** Decides who a handshake belongs to. Default: everybody is an anonymous user. */
    public WorldWsEngineBuilder authenticator(Authenticator handshakeAuthenticator) {
        this.authenticator = Objects.requireNonNull(handshakeAuthenticator, "authenticator");
        return this;
    }

    /** The clock for timestamps, heartbeats, rate limits and token expiry. Default: the UTC system clock. */
    public WorldWsEngineBuilder clock(Clock engineClock) {
        this.clock = Objects.requireNonNull(engineClock, "clock");
        return this;
    }

    /**
     * The pool that runs the worlds' actors, agent replies and request handling (serially per world on top of it).
     * Default: a pool of {@code max(2, processors)} daemon threads, owned and shut down by the engine. An executor
     * given here is not shut down by the engine.
     */
    public WorldWsEngineBuilder executor(ExecutorService pool) {
        this.executor = Objects.requireNonNull(pool, "executor");
        return this;
    }

    /**
     * The pool that runs every {@link WorldStore} call: loading and cloning worlds on select, saves, deletions of
     * worlds and of guests' spaces, reload's re-read. They block on the disk ({@code fsync}), so they never run on
     * the {@link #executor(ExecutorService) executor} that runs the worlds, nor on a transport thread. A world's
     * saves still run one at a time and in order. Default: {@value #DEFAULT_STORAGE_THREADS} daemon threads named
     * {@code world-ws-storage-N}, owned and shut down by the engine. An executor given here is not shut down by the
     * engine.
     */
    public WorldWsEngineBuilder storageExecutor(ExecutorService pool) {
        this.storageExecutor = Objects.requireNonNull(pool, "storageExecutor");
        return this;
    }

    /** Threads of the default {@link #storageExecutor(ExecutorService) storage executor}: they mostly wait. */
    static final int DEFAULT_STORAGE_THREADS = 16;

    /**
     * How many world saves may run at once on the storage executor (default {@value #DEFAULT_CONCURRENT_SAVES}); the
     * others wait their turn, and a world whose save waits keeps gathering changes into the one snapshot written
     * next. Saves cost the kernel CPU and the file system's journal, so a few at a time keeps them from slowing
     * the delivery of chat; loads and clones for users who select a world never wait behind saves.
     */
    public WorldWsEngineBuilder concurrentSaves(int saves) {
        if (saves < 1) {
            throw new IllegalArgumentException("concurrentSaves must be at least 1 (was " + saves + ")");
        }
        this.concurrentSaves = saves;
        return this;
    }

    static final int DEFAULT_CONCURRENT_SAVES = 2;

    /** The timer for heartbeats and delayed cleanup. Default: one daemon thread, owned by the engine. */
    public WorldWsEngineBuilder scheduler(ScheduledExecutorService timer) {
        this.scheduler = Objects.requireNonNull(timer, "scheduler");
        return this;
    }

    /** Size and rate limits. Default: {@link Limits#defaults()}. */
    public WorldWsEngineBuilder limits(Limits connectionLimits) {
        this.limits = Objects.requireNonNull(connectionLimits, "limits");
        return this;
    }

    /** Dead-connection detection. Default: {@link Heartbeat#defaults()} (25 s, 20 s). */
    public WorldWsEngineBuilder heartbeat(Heartbeat settings) {
        this.heartbeat = Objects.requireNonNull(settings, "heartbeat");
        return this;
    }

    /**
     * How long an anonymous user's worlds outlive its last connection; a reconnect with its resume token within
     * this time gets them back. Zero deletes them at once. Default: 5 minutes.
     */
    public WorldWsEngineBuilder anonymousGracePeriod(Duration grace) {
        Objects.requireNonNull(grace, "anonymousGracePeriod");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("anonymousGracePeriod must not be negative (was " + grace + ")");
        }
        this.anonymousGracePeriod = grace;
        return this;
    }

    /**
     * How long an agent's reply may take; then the responder's stage is cancelled, the reply ends with a
     * {@code chat_response} of kind {@code error} and the world goes on. Default: 2 minutes.
     */
    public WorldWsEngineBuilder replyTimeout(Duration timeout) {
        this.replyTimeout = positive(timeout, "replyTimeout");
        return this;
    }

    /**
     * How long after a changed world goes idle it is written. A world that never goes idle that long (sustained chat,
     * long streamed replies) is written with the first change or stream step that comes five seconds, or this delay
     * if it is longer, after its oldest unsaved change; unload and shutdown write at once. Longer: fewer saves, so less
     * CPU and fewer collector pauses under sustained chat (at 1,000 messages a second, a save per world per message
     * cost about a third of the server's CPU, see docs/performance.md); shorter: a smaller window of changes that a
     * crash of the process loses. Default: 1 second.
     */
    public WorldWsEngineBuilder saveDelay(Duration delay) {
        this.saveDelay = positive(delay, "saveDelay");
        return this;
    }

    /**
     * How many of the current chat's last messages {@code world_selected} carries as {@code history}, so a client
     * that comes back after the resume window still sees the conversation. Default: 50; 0 sends none.
     */
    public WorldWsEngineBuilder historyLimit(int messages) {
        if (messages < 0) {
            throw new IllegalArgumentException("historyLimit must not be negative (was " + messages + ")");
        }
        this.historyLimit = messages;
        return this;
    }

    /**
     * The HMAC-SHA256 key that signs anonymous resume tokens, at least 32 bytes; give every server of a cluster the
     * same one, and keep it across restarts so that anonymous users can resume after one. Default: random per engine
     * (tokens then only work on this engine, and no anonymous user can resume after a restart).
     */
    public WorldWsEngineBuilder resumeTokenSecret(byte[] secret) {
        Objects.requireNonNull(secret, "resumeTokenSecret");
        if (secret.length < 32) {
            throw new IllegalArgumentException("resumeTokenSecret must have at least 32 bytes (has " + secret.length + ")");
        }
        this.resumeTokenSecret = secret.clone();
        return this;
    }

    /**
     * Whether the engine, when it starts, takes over the anonymous users it finds in the store (left there by an
     * earlier run that stopped or died): each is treated as if its last connection had just closed, so its resume
     * token (signed with the same {@link #resumeTokenSecret}) gets it back within the {@link #anonymousGracePeriod}
     * and otherwise its worlds are deleted. Default: true. Turn it off when several live servers share one store,
     * since a starting server cannot tell another server's connected anonymous users from abandoned ones.
     */
    public WorldWsEngineBuilder reclaimAnonymousUsers(boolean reclaim) {
        this.reclaimAnonymousUsers = reclaim;
        return this;
    }

    /**
     * This server's id in a cluster; stamped as the origin of the messages it accepts, and only the origin runs the
     * agents' replies to a message. Default: {@code node-} and 8 random hex digits.
     */
    public WorldWsEngineBuilder nodeId(String id) {
        Objects.requireNonNull(id, "nodeId");
        if (id.isBlank()) {
            throw new IllegalArgumentException("nodeId must not be blank");
        }
        this.nodeId = id;
        return this;
    }

    private static Duration positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive (was " + value + ")");
        }
        return value;
    }

    /** Builds and starts the engine (its heartbeat timer runs from now). */
    public WorldWsEngine build() {
        WorldStore worldStore = store != null ? store : WorldStores.inMemory(Map.of(), clock);
        boolean ownsBus = eventBus == null;
        EventBus bus = ownsBus ? EventBuses.inProcess(clock, EventBuses.DEFAULT_HISTORY_SIZE,
                EventBuses.DEFAULT_HISTORY_TTL) : eventBus;
        boolean ownsExecutor = executor == null;
        ExecutorService pool = ownsExecutor
                ? Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                        daemonThreads("world-ws-worker-"))
                : executor;
        boolean ownsStorage = storageExecutor == null;
        ExecutorService storage = ownsStorage
                ? Executors.newFixedThreadPool(DEFAULT_STORAGE_THREADS, daemonThreads("world-ws-storage-"))
                : storageExecutor;
        boolean ownsScheduler = scheduler == null;
        ScheduledExecutorService timer = ownsScheduler ? newTimer() : scheduler;
        byte[] secret = resumeTokenSecret;
        if (secret == null) {
            secret = new byte[32];
            new SecureRandom().nextBytes(secret);
        }
        return new DefaultEngine(this, worldStore, bus, ownsBus, pool, ownsExecutor, storage, ownsStorage, timer,
                ownsScheduler, secret);
    }

    /**
     * One daemon thread; cancelled tasks leave its queue at once, since most timers (a reply's step flush, its
     * timeout) are cancelled long before they are due and would otherwise pile up until then.
     */
    private static ScheduledExecutorService newTimer() {
        java.util.concurrent.ScheduledThreadPoolExecutor timer =
                new java.util.concurrent.ScheduledThreadPoolExecutor(1, daemonThreads("world-ws-timer-"));
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
