package dev.worldws.core;

import dev.worldws.api.UserId;
import dev.worldws.api.WorldKey;
import dev.worldws.api.WorldName;
import dev.worldws.api.WorldWsException;
import dev.worldws.api.event.WorldEvent;
import dev.worldws.api.protocol.AgentUpdate;
import dev.worldws.api.protocol.ChatSend;
import dev.worldws.api.protocol.ClientMessage;
import dev.worldws.api.protocol.CloseCodes;
import dev.worldws.api.protocol.Connected;
import dev.worldws.api.protocol.ErrorCode;
import dev.worldws.api.protocol.EventSubscribe;
import dev.worldws.api.protocol.EventUnsubscribe;
import dev.worldws.api.protocol.Pong;
import dev.worldws.api.protocol.Status;
import dev.worldws.api.protocol.WorldSelect;
import dev.worldws.api.spi.AgentResponder;
import dev.worldws.api.spi.Authenticator;
import dev.worldws.api.spi.EventBus;
import dev.worldws.api.spi.Handshake;
import dev.worldws.api.spi.Identity;
import dev.worldws.api.spi.Transport;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.api.world.AgentConfig;
import dev.worldws.core.protocol.ProtocolCodec;
import dev.worldws.core.protocol.Views;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The engine: see {@link WorldWsEngine} and {@link WorldWsEngineBuilder}. */
final class DefaultEngine implements WorldWsEngine {
    private static final System.Logger LOG = System.getLogger(DefaultEngine.class.getName());
    static final Duration RESUME_TOKEN_TTL = Duration.ofHours(24);

    final WorldStore store;
    final EventBus bus;
    final Clock clock;
    final ExecutorService executor;
    /** Runs every store call (they block on the disk), so that no world's actor waits for one. */
    final ExecutorService storage;
    final SaveGate saves;
    final ScheduledExecutorService scheduler;
    final Limits limits;
    final Heartbeat heartbeat;
    final String nodeId;
    final Duration replyTimeout;
    /** How long after going idle a changed world is written ({@link WorldWsEngineBuilder#saveDelay}). */
    final long saveDelayMillis;
    /** The longest a change of a world that never goes idle waits for its save. */
    final long saveMaxDelayMillis;
    final int historyLimit;
    final ProtocolCodec codec = ProtocolCodec.shared();
    private final AgentResponder defaultResponder;
    private final Map<String, AgentResponder> responders;
    private final Authenticator authenticator;
    private final Duration anonymousGrace;
    private final ResumeTokens tokens;
    private final boolean ownsExecutor;
    private final boolean ownsStorage;
    private final boolean ownsScheduler;
    private final boolean ownsBus;

    final LongAdder messagesIn = new LongAdder();
    final LongAdder messagesOut = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder dropped = new LongAdder();
    private final AtomicInteger subscriptions = new AtomicInteger();

    private final Map<String, Connection> connections = new ConcurrentHashMap<>();

    final Object runtimesLock = new Object();
    // guarded by runtimesLock
    private final Map<WorldKey, WorldRuntime> runtimes = new HashMap<>();
    private final Map<WorldKey, CompletableFuture<Void>> unloading = new HashMap<>();

    private final Object sessionsLock = new Object();
    // guarded by sessionsLock
    private final Map<UserId, UserSession> sessions = new HashMap<>();

    private final ScheduledFuture<?> heartbeatTask;
    private volatile boolean stopping;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    private static final class UserSession {
        final boolean anonymous;
        int connections;
        boolean deleting;
        ScheduledFuture<?> deletion;
        final Set<WorldName> worlds = ConcurrentHashMap.newKeySet();

        UserSession(boolean anonymous) {
            this.anonymous = anonymous;
        }
    }

    DefaultEngine(WorldWsEngineBuilder builder, WorldStore store, EventBus bus, boolean ownsBus,
            ExecutorService executor, boolean ownsExecutor, ExecutorService storage, boolean ownsStorage,
            ScheduledExecutorService scheduler, boolean ownsScheduler, byte[] secret) {
        this.store = store;
        this.bus = bus;
        this.ownsBus = ownsBus;
        this.clock = builder.clock;
        this.executor = executor;
        this.ownsExecutor = ownsExecutor;
        this.storage = storage;
        this.ownsStorage = ownsStorage;
        this.saves = new SaveGate(storage, builder.concurrentSaves);
        this.scheduler = scheduler;
        this.ownsScheduler = ownsScheduler;
        this.limits = builder.limits;
        this.heartbeat = builder.heartbeat;
        this.nodeId = builder.nodeId;
        this.replyTimeout = builder.replyTimeout;
        this.saveDelayMillis = builder.saveDelay.toMillis();
        this.saveMaxDelayMillis = Math.max(WorldRuntime.SAVE_MAX_DELAY_MILLIS, saveDelayMillis);
        this.historyLimit = builder.historyLimit;
        this.defaultResponder = builder.responder;
        this.responders = Map.copyOf(builder.responders);
        this.authenticator = builder.authenticator;
        this.anonymousGrace = builder.anonymousGracePeriod;
        this.tokens = new ResumeTokens(secret);
        long period = heartbeat.checkPeriod().toMillis();
        this.heartbeatTask = scheduler.scheduleAtFixedRate(this::checkHeartbeats, period, period, TimeUnit.MILLISECONDS);
        if (builder.reclaimAnonymousUsers) {
            adoptLeftAnonymousUsers();
        }
    }

    /** Whether {@code user} has the form of the ids this engine generates for anonymous users. */
    static boolean isAnonymousId(UserId user) {
        return ANONYMOUS_ID.matcher(user.value()).matches();
    }

    private static final java.util.regex.Pattern ANONYMOUS_ID =
            java.util.regex.Pattern.compile("anon-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /**
     * Anonymous users whose spaces an earlier run left in the store (its server stopped or died) are treated as if
     * their last connection had just closed: a resume token within the grace period gets them back, otherwise their
     * worlds are deleted after it. Without this their folders would stay forever.
     */
    private void adoptLeftAnonymousUsers() {
        List<UserId> users;
        try {
            users = store.listUsers();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot list the store's users; anonymous users of an earlier run are kept", e);
            return;
        }
        int adopted = 0;
        synchronized (sessionsLock) {
            for (UserId user : users) {
                if (isAnonymousId(user) && !sessions.containsKey(user)) {
                    UserSession session = new UserSession(true);
                    sessions.put(user, session);
                    scheduleDeletion(user, session);
                    adopted++;
                }
            }
        }
        if (adopted > 0) {
            LOG.log(Level.INFO, "{0} anonymous users of an earlier run: resumable for {1}, then deleted", adopted,
                    anonymousGrace);
        }
    }

    /** Deletes an anonymous user's worlds after the grace period unless it reconnects; caller holds sessionsLock. */
    private void scheduleDeletion(UserId user, UserSession session) {
        if (anonymousGrace.isZero()) {
            session.deleting = true;
            executor.execute(() -> deleteAnonymous(user, session));
        } else if (!stopping) {
            // while stopping, the next start adopts the user instead (its resume token stays good)
            session.deletion = scheduler.schedule(() -> executor.execute(() -> deleteAnonymous(user, session)),
                    anonymousGrace.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    // ---- handshake and open ----

    @Override
    public Principal authenticate(Handshake handshake) {
        Identity identity = authenticator.authenticate(handshake);
        if (!identity.isAnonymous()) {
            UserId known = identity.userId().orElseThrow();
            if (isAnonymousId(known)) {
                // else a credential could open a guest's worlds, and a restart would delete the known user's
                throw new dev.worldws.api.AuthenticationException("user id \"" + known
                        + "\" is refused: ids of the form anon-<uuid> are reserved for anonymous users");
            }
            return new Principal(known, false);
        }
        Optional<UserId> restored = handshake.queryParameter("resumeToken")
                .flatMap(token -> tokens.verify(token, clock.instant()))
                .filter(DefaultEngine::isAnonymousId)
                .filter(this::resumable);
        return new Principal(restored.orElseGet(() -> UserId.of("anon-" + UUID.randomUUID())), true);
    }

    private boolean resumable(UserId user) {
        synchronized (sessionsLock) {
            UserSession session = sessions.get(user);
            return session != null && session.anonymous && !session.deleting;
        }
    }

    @Override
    public ConnectionHandler open(Transport transport, Principal principal) {
        String clientId = UUID.randomUUID().toString();
        String token = principal.anonymous()
                ? tokens.issue(principal.userId(), clock.instant().plus(RESUME_TOKEN_TTL)) : null;
        Connection connection = new Connection(this, transport, principal, clientId, token);
        if (stopping) {
            connection.markCleanedUp();
            transport.close(CloseCodes.GOING_AWAY, "server is shutting down");
            return connection;
        }
        if (limits.maxConnections() > 0 && connections.size() >= limits.maxConnections()) {
            connection.markCleanedUp();
            transport.close(CloseCodes.TRY_AGAIN_LATER, "too many connections; try again later");
            return connection;
        }
        synchronized (sessionsLock) {
            UserSession session = sessions.computeIfAbsent(principal.userId(), id -> new UserSession(principal.anonymous()));
            if (session.deleting) {
                // the token passed the handshake just before the grace ended: its worlds are going; a reconnect
                // gets a fresh guest id (the token no longer resumes a user being deleted)
                connection.markCleanedUp();
                transport.close(CloseCodes.TRY_AGAIN_LATER, "this guest's worlds are being deleted; reconnect");
                return connection;
            }
            session.connections++;
            if (session.deletion != null) {
                session.deletion.cancel(false);
                session.deletion = null;
            }
        }
        connections.put(clientId, connection);
        if (stopping) {
            // shutdown began between the check above and the put: closeAll may have missed this connection
            connection.close(CloseCodes.GOING_AWAY, "server is shutting down");
            return connection;
        }
        connection.send(null, new Connected(clientId, principal.userId().value(), principal.anonymous(), token,
                heartbeat.interval().toMillis(), limits.maxMessageBytes()));
        return connection;
    }

    // ---- requests ----

    void dispatch(Connection connection, ClientMessage message) {
        String id = message.id();
        if (message.request() instanceof dev.worldws.api.protocol.Ping) {
            connection.send(id, new Pong());
            return;
        }
        boolean queued = connection.requests.submit(() -> handle(connection, message));
        if (!queued) {
            connection.sendError(id, ErrorCode.BUSY, "too many requests waiting (" + limits.maxPendingRequests()
                    + "); retry later", Map.of());
        }
    }

    private CompletionStage<?> handle(Connection connection, ClientMessage message) {
        String id = message.id();
        if (!connection.isOpen()) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            switch (message.messageType()) {
                case WORLD_SELECT:
                    return select(connection, (WorldSelect) message.request(), id);
                case EVENT_SUBSCRIBE:
                    connection.filter(EventFilter.of((EventSubscribe) message.request()));
                    connection.send(id, new Status(Status.SUBSCRIBED, "event filter set", connection.filter().describe()));
                    return CompletableFuture.completedFuture(null);
                case EVENT_UNSUBSCRIBE:
                    connection.filter(connection.filter().without((EventUnsubscribe) message.request()));
                    connection.send(id, new Status(Status.UNSUBSCRIBED, "event filter narrowed",
                            connection.filter().describe()));
                    return CompletableFuture.completedFuture(null);
                default:
                    break;
            }
            WorldRuntime runtime = connection.runtime();
            if (runtime == null) {
                connection.sendError(id, ErrorCode.WORLD_NOT_SELECTED, message.messageType().wireName()
                        + " needs a selected world; send world_select first", Map.of());
                return CompletableFuture.completedFuture(null);
            }
            switch (message.messageType()) {
                case CHAT_SEND:
                    return runtime.chat(connection, (ChatSend) message.request(), id);
                case AGENT_UPDATE:
                    return runtime.updateAgent(connection, (AgentUpdate) message.request(), id);
                case WORLD_RELOAD:
                    return runtime.reload(connection, id);
                case CHAT_HISTORY:
                    return runtime.chatHistory(connection, (dev.worldws.api.protocol.ChatHistoryRequest) message.request(),
                            id);
                default:
                    throw new IllegalStateException("unhandled request type " + message.messageType());
            }
        } catch (RuntimeException e) {
            replyError(connection, id, e);
            return CompletableFuture.completedFuture(null);
        }
    }

    CompletionStage<Void> select(Connection connection, WorldSelect select, String id) {
        WorldKey key = new WorldKey(connection.principal.userId(), select.worldName());
        WorldRuntime target = acquire(key, select, connection.principal.anonymous());
        if (target == null) {
            // a request that passed isOpen() just before its guest's last connection closed: the worlds are being
            // (or were) deleted, and a world created now would never be
            connection.sendError(id, ErrorCode.WORLD_NOT_FOUND, "this guest's worlds are being deleted", Map.of());
            return CompletableFuture.completedFuture(null);
        }
        WorldRuntime left = connection.detach();
        if (left != null) {
            release(left, connection);
        }
        return target.attach(connection, select, id);
    }

    /** Error reply for a failed request: the exception's own wire code, or {@code internal} (logged). */
    void replyError(Connection connection, String requestId, Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof WorldWsException known) {
            ErrorCode code = ErrorCode.fromCode(known.code()).orElse(ErrorCode.INTERNAL);
            connection.sendError(requestId, code, known.getMessage(), Map.of());
        } else {
            String reference = UUID.randomUUID().toString().substring(0, 8);
            LOG.log(Level.ERROR, "request " + requestId + " of " + connection.clientId + " failed (ref " + reference + ")",
                    cause);
            connection.sendError(requestId, ErrorCode.INTERNAL, "internal error (ref " + reference + ")",
                    Map.of("ref", reference));
        }
    }

    AgentResponder responderFor(AgentConfig config) {
        String provider = config.provider() == null ? "offline" : config.provider().toLowerCase(Locale.ROOT);
        return responders.getOrDefault(provider, defaultResponder);
    }

    Frame frame(WorldEvent event) {
        return Frame.of(codec.encode(Views.message(event)), event.seq());
    }

    // ---- runtimes: one per (user, world), shared by that user's connections only ----

    /**
     * The runtime of {@code key}, loading it if needed; null if the user is a guest whose worlds are being deleted.
     * The session is checked and the world recorded in it under runtimesLock, so deleteAnonymous (which marks the
     * session deleting before it collects the runtimes under that lock) either sees this runtime or makes this fail.
     */
    private WorldRuntime acquire(WorldKey key, WorldSelect select, boolean anonymous) {
        synchronized (runtimesLock) {
            synchronized (sessionsLock) {
                UserSession session = sessions.get(key.userId());
                if (anonymous && (session == null || session.deleting)) {
                    return null;
                }
                if (session != null) {
                    session.worlds.add(key.worldName());
                }
            }
            WorldRuntime runtime = runtimes.get(key);
            if (runtime == null) {
                runtime = new WorldRuntime(this, key, select.templateName(), connectionAnonymous(key));
                runtimes.put(key, runtime);
                CompletableFuture<Void> previous = unloading.get(key);
                runtime.load(previous == null ? CompletableFuture.completedFuture(null) : previous);
            }
            runtime.refs++;
            runtime.state = WorldRuntime.State.ACTIVE;
            return runtime;
        }
    }

    void release(WorldRuntime runtime, Connection connection) {
        runtime.detach(connection);
        boolean last;
        synchronized (runtimesLock) {
            runtime.refs--;
            last = runtime.refs == 0 && runtime.state == WorldRuntime.State.ACTIVE;
            if (last) {
                runtime.state = WorldRuntime.State.CLOSING;
            }
        }
        if (last) {
            runtime.closeWhenIdle();
        }
    }

    /** Moves a closing, unreferenced runtime to CLOSED and out of the registry; false if it was re-acquired. */
    boolean markClosed(WorldRuntime runtime) {
        synchronized (runtimesLock) {
            if (runtime.refs != 0 || runtime.state != WorldRuntime.State.CLOSING) {
                return false;
            }
            runtime.state = WorldRuntime.State.CLOSED;
            runtimes.remove(runtime.key, runtime);
            unloading.put(runtime.key, runtime.unloaded);
        }
        runtime.unloaded.whenComplete((ignored, failure) -> {
            synchronized (runtimesLock) {
                unloading.remove(runtime.key, runtime.unloaded);
            }
        });
        return true;
    }

    void runtimeFailed(WorldRuntime runtime) {
        synchronized (runtimesLock) {
            runtime.state = WorldRuntime.State.CLOSED;
            runtimes.remove(runtime.key, runtime);
        }
    }

    void subscriptionsOpened() {
        subscriptions.incrementAndGet();
    }

    void subscriptionsClosed() {
        subscriptions.decrementAndGet();
    }

    private boolean connectionAnonymous(WorldKey key) {
        synchronized (sessionsLock) {
            UserSession session = sessions.get(key.userId());
            return session != null && session.anonymous;
        }
    }

    /** Whether an anonymous user's worlds are about to be deleted (no grace, no connection): saving is wasted. */
    boolean deletedOnLeave(UserId user) {
        if (!anonymousGrace.isZero()) {
            return false;
        }
        synchronized (sessionsLock) {
            UserSession session = sessions.get(user);
            return session == null || session.connections == 0;
        }
    }

    // ---- connection end and user cleanup ----

    void cleanup(Connection connection) {
        if (!connection.markCleanedUp()) {
            return;
        }
        connections.remove(connection.clientId);
        connection.shutdownOutbound();
        WorldRuntime runtime = connection.detach();
        if (runtime != null) {
            release(runtime, connection);
        }
        UserId user = connection.principal.userId();
        synchronized (sessionsLock) {
            UserSession session = sessions.get(user);
            if (session == null || --session.connections > 0) {
                return;
            }
            if (!session.anonymous) {
                sessions.remove(user);
                return;
            }
            scheduleDeletion(user, session);
        }
    }

    private void deleteAnonymous(UserId user, UserSession session) {
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        synchronized (sessionsLock) {
            if (sessions.get(user) != session || session.connections > 0) {
                return;
            }
            session.deleting = true;
            session.deletion = null;
        }
        synchronized (runtimesLock) {
            for (WorldName world : session.worlds) {
                WorldKey key = new WorldKey(user, world);
                WorldRuntime runtime = runtimes.get(key);
                if (runtime != null) {
                    pending.add(runtime.unloaded);
                }
                CompletableFuture<Void> unloadingFuture = unloading.get(key);
                if (unloadingFuture != null) {
                    pending.add(unloadingFuture);
                }
            }
        }
        // each runtime's unloaded follows its last save, so no late save can bring a deleted world back
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).whenComplete((ignored, failure) ->
                onStorage(() -> {
                    try {
                        store.deleteUserSpace(user);
                        for (WorldName world : session.worlds) {
                            bus.forget(new WorldKey(user, world));
                        }
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "deleting anonymous user " + user + " failed", e);
                    } finally {
                        synchronized (sessionsLock) {
                            // open() refuses a deleting session, so this is a guard: never drop a session in use
                            if (session.connections == 0) {
                                sessions.remove(user, session);
                            }
                        }
                    }
                    return null;
                }));
    }

    /**
     * Runs a store call on the storage executor. Once that executor is shut down (the engine has stopped), the call
     * runs on the caller's thread instead of being lost.
     */
    <T> CompletableFuture<T> onStorage(java.util.function.Supplier<T> call) {
        try {
            return CompletableFuture.supplyAsync(call, storage);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            try {
                return CompletableFuture.completedFuture(call.get());
            } catch (RuntimeException failure) {
                return CompletableFuture.failedFuture(failure);
            }
        }
    }

    // ---- heartbeat ----

    private void checkHeartbeats() {
        long now = clock.millis();
        long interval = heartbeat.interval().toMillis();
        long deadline = interval + heartbeat.timeout().toMillis();
        for (Connection connection : connections.values()) {
            try {
                long silent = now - connection.lastSeenMillis;
                if (silent >= deadline) {
                    LOG.log(Level.DEBUG, "closing {0}: silent for {1} ms", connection.clientId, silent);
                    connection.close(CloseCodes.HEARTBEAT_TIMEOUT, "no heartbeat for " + silent / 1000 + " s");
                } else if (silent >= interval && now - connection.lastPingMillis >= interval) {
                    connection.lastPingMillis = now;
                    connection.transport.ping();
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "heartbeat check of " + connection.clientId + " failed", e);
            }
        }
    }

    // ---- views ----

    @Override
    public int maxMessageBytes() {
        return limits.maxMessageBytes();
    }

    @Override
    public EngineStats stats() {
        int loaded;
        synchronized (runtimesLock) {
            // a world being unloaded counts until its last save is written: it still holds its state, and only then
            // does the store show everything it had
            loaded = runtimes.size() + (int) unloading.values().stream().filter(unload -> !unload.isDone()).count();
        }
        return new EngineStats(connections.size(), loaded, messagesIn.sum(), messagesOut.sum(), errors.sum(),
                bytesIn.sum(), bytesOut.sum(), dropped.sum(), subscriptions.get());
    }

    @Override
    public Optional<ClientConnection> connection(String clientId) {
        Connection connection = connections.get(clientId);
        return connection == null ? Optional.empty() : Optional.of(connection.snapshot());
    }

    @Override
    public List<ClientConnection> connections(WorldKey world) {
        WorldRuntime runtime;
        synchronized (runtimesLock) {
            runtime = runtimes.get(world);
        }
        if (runtime == null) {
            return List.of();
        }
        List<ClientConnection> result = new ArrayList<>();
        for (Connection connection : runtime.connections) {
            result.add(connection.snapshot());
        }
        return result;
    }

    @Override
    public List<ClientConnection> connections() {
        List<ClientConnection> result = new ArrayList<>();
        for (Connection connection : connections.values()) {
            result.add(connection.snapshot());
        }
        return result;
    }

    @Override
    public WorldStore store() {
        return store;
    }

    @Override
    public EventBus eventBus() {
        return bus;
    }

    // ---- shutdown ----

    @Override
    public CompletionStage<Void> shutdown(Duration grace) {
        synchronized (this) {
            if (stopping) {
                return stopped;
            }
            stopping = true;
        }
        for (Connection connection : connections.values()) {
            connection.send(null, new Status(Status.SERVER_SHUTDOWN, "server is shutting down",
                    Map.of("graceMillis", grace.toMillis())));
        }
        Runnable closeAll = () -> {
            for (Connection connection : List.copyOf(connections.values())) {
                connection.closeAfterFlush(CloseCodes.GOING_AWAY, "server is shutting down");
            }
            synchronized (runtimesLock) {
                // the grace is over: replies still running end now, so every world saves what it has and unloads
                runtimes.values().forEach(WorldRuntime::stopReplies);
            }
            whenAllUnloaded(() -> {
                heartbeatTask.cancel(false);
                cancelDeletions();
                if (ownsBus) {
                    bus.close();
                }
                if (ownsScheduler) {
                    scheduler.shutdownNow();
                }
                if (ownsExecutor) {
                    executor.shutdown();
                }
                if (ownsStorage) {
                    // queued work (a guest's deletion) still runs; nothing new is accepted
                    storage.shutdown();
                }
                stopped.complete(null);
            });
        };
        java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable closeOnce = () -> {
            if (closing.compareAndSet(false, true)) {
                closeAll.run();
            }
        };
        if (grace.isZero() || grace.isNegative()) {
            executor.execute(closeOnce);
        } else {
            // grace is the upper bound: close as soon as nothing is in flight any more
            scheduler.schedule(() -> executor.execute(closeOnce), grace.toMillis(), TimeUnit.MILLISECONDS);
            executor.execute(() -> closeWhenQuiet(closing, closeOnce));
        }
        return stopped;
    }

    /**
     * Runs {@code then} once no runtime is loaded or unloading. Looks again after each wait: a world_select that was
     * already running can load a world after a look, and stopping before its save would lose it.
     */
    private void whenAllUnloaded(Runnable then) {
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        synchronized (runtimesLock) {
            runtimes.values().forEach(runtime -> pending.add(runtime.unloaded));
            pending.addAll(unloading.values());
        }
        pending.removeIf(CompletableFuture::isDone);
        if (pending.isEmpty()) {
            then.run();
            return;
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                .whenComplete((ignored, failure) -> whenAllUnloaded(then));
    }

    private static final long QUIET_CHECK_MILLIS = 20;

    /** Runs {@code closeOnce} when no request is queued and no world has a reply running or queued; else looks again. */
    private void closeWhenQuiet(java.util.concurrent.atomic.AtomicBoolean closing, Runnable closeOnce) {
        if (closing.get()) {
            return;
        }
        for (Connection connection : connections.values()) {
            if (!connection.requests.isIdle()) {
                checkQuietLater(closing, closeOnce);
                return;
            }
        }
        List<CompletableFuture<Boolean>> busy = new ArrayList<>();
        synchronized (runtimesLock) {
            runtimes.values().forEach(runtime -> busy.add(runtime.busy().toCompletableFuture()));
        }
        CompletableFuture.allOf(busy.toArray(CompletableFuture[]::new)).whenComplete((ignored, failure) -> {
            if (failure == null && busy.stream().noneMatch(CompletableFuture::join)) {
                executor.execute(closeOnce);
            } else {
                checkQuietLater(closing, closeOnce);
            }
        });
    }

    private void checkQuietLater(java.util.concurrent.atomic.AtomicBoolean closing, Runnable closeOnce) {
        if (closing.get()) {
            return;
        }
        try {
            scheduler.schedule(() -> executor.execute(() -> closeWhenQuiet(closing, closeOnce)), QUIET_CHECK_MILLIS,
                    TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            executor.execute(closeOnce);
        }
    }

    /** A stopped engine deletes nobody: the next start adopts its anonymous users, whose tokens stay good. */
    private void cancelDeletions() {
        synchronized (sessionsLock) {
            for (UserSession session : sessions.values()) {
                if (session.deletion != null) {
                    session.deletion.cancel(false);
                    session.deletion = null;
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            shutdown(Duration.ZERO).toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "engine shutdown did not finish cleanly", e);
        }
    }

    Instant now() {
        return clock.instant();
    }
}
