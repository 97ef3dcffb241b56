package dev.worldws.core;

import dev.worldws.api.AgentId;
import dev.worldws.api.TemplateName;
import dev.worldws.api.WorldExistsException;
import dev.worldws.api.WorldKey;
import dev.worldws.api.event.ActivityEvent;
import dev.worldws.api.event.AgentUpdatedEvent;
import dev.worldws.api.event.MessageEvent;
import dev.worldws.api.event.SenderType;
import dev.worldws.api.event.StreamEvent;
import dev.worldws.api.event.WorldEvent;
import dev.worldws.api.event.WorldReloadedEvent;
import dev.worldws.api.protocol.AgentUpdate;
import dev.worldws.api.protocol.ChatHistory;
import dev.worldws.api.protocol.ChatHistoryRequest;
import dev.worldws.api.protocol.ChatSend;
import dev.worldws.api.protocol.ErrorCode;
import dev.worldws.api.protocol.MessageView;
import dev.worldws.api.protocol.Status;
import dev.worldws.api.protocol.WorldSelect;
import dev.worldws.api.protocol.WorldSelected;
import dev.worldws.api.spi.AgentResponder;
import dev.worldws.api.spi.ReplyRequest;
import dev.worldws.api.spi.StreamPosition;
import dev.worldws.api.spi.Subscription;
import dev.worldws.api.world.Agent;
import dev.worldws.api.world.AgentConfig;
import dev.worldws.api.world.Lists;
import dev.worldws.api.world.MemoryItem;
import dev.worldws.api.world.World;
import dev.worldws.core.agent.ReplyRules;
import dev.worldws.core.protocol.Views;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One loaded user world: its state, its connections, its single bus subscription and its agents' replies.
 *
 * <p>Every state change runs on {@link #actor}, a serial executor over the engine's pool, so the world is
 * single-threaded without locks and without ever running on a transport thread. Replies are run one at a time
 * per world; their stream steps are published as the responder produces them. Store calls (load, clone, save,
 * delete) run on the engine's storage executor and report back to the actor, which never waits for the disk.
 */
final class WorldRuntime {
    private static final System.Logger LOG = System.getLogger(WorldRuntime.class.getName());
    private static final String DEFAULT_CHAT = "default";
    /**
     * How long after going idle a changed world is written by default: coalesces the saves of busy worlds
     * ({@link WorldWsEngineBuilder#saveDelay} sets it).
     */
    static final long SAVE_DELAY_MILLIS = 1000;
    /**
     * The longest a change waits for its save when the world never goes idle (sustained chat), unless the save delay
     * is longer: what a crash can lose at most, plus one write.
     */
    static final long SAVE_MAX_DELAY_MILLIS = 5000;
    /**
     * Reply text gathered before a chunk step is published, and how long a smaller piece may wait: a responder that
     * streams word by word would otherwise put one frame per word into every connection's bounded outbound queue.
     * Small enough that a reply of a sentence or two still visibly grows in several steps; large enough that the
     * longest message (32,768 characters, which the default offline reply quotes) stays far below the queue bound.
     */
    static final int CHUNK_CHARS = 32;
    static final long CHUNK_MILLIS = 50;

    enum State { ACTIVE, CLOSING, CLOSED }

    final WorldKey key;
    final TemplateName template;
    final SerialExecutor actor;
    private final DefaultEngine engine;

    /** Completes when the world is loaded and subscribed, or exceptionally if it cannot be. */
    final CompletableFuture<Void> loaded = new CompletableFuture<>();
    /** Completes when the world has been saved and released (or failed to load). */
    final CompletableFuture<Void> unloaded = new CompletableFuture<>();

    // guarded by engine.runtimesLock
    int refs;
    State state = State.ACTIVE;
    boolean temporary;
    /** Whether the owner is anonymous (set by the engine when the runtime is created). */
    final boolean anonymousOwner;

    final Set<Connection> connections = new CopyOnWriteArraySet<>();
    /** Unsequenced state events this node published, so their bus echo is not applied twice. */
    private final Set<WorldEvent> publishedHere = ConcurrentHashMap.newKeySet();

    // actor-confined
    private World world;
    private boolean created;
    private boolean createdReported;
    /** Per agent id, where {@link #repliesGiven} last stopped counting; actor only. */
    private final RepliesCounted repliesCounted = new RepliesCounted();
    private boolean saveScheduled;
    private Subscription subscription;
    private boolean dirty;
    private final ArrayDeque<ReplyJob> replies = new ArrayDeque<>();
    private boolean replying;
    /** The reply being produced, or null. */
    private ReplyStream current;
    /** The engine is stopping and its grace is over: no further reply is started. */
    private boolean stopping;
    private boolean activitySinceIdle;
    /** Messages this node published whose bus echo (which triggers the reply rules) has not arrived yet. */
    private int awaitingEcho;
    private String lastChatId = DEFAULT_CHAT;
    /** Each chat's highest seq, made on the first message (idle worlds do without). */
    private ChatLog.SeqIndex seqs;
    /** The seq of the last message applied to {@link #world} (its memories and event log). */
    private long appliedMessageSeq;

    // actor-confined: the world's writes, one at a time, on the engine's storage executor
    private boolean saveRunning;
    /** The latest snapshot waiting for the running save (older waiting ones are replaced: the last one wins). */
    private World pendingSave;
    private final List<CompletableFuture<Void>> pendingSaveWaiters = new ArrayList<>();
    /** Completed once no save runs or waits. */
    private final List<CompletableFuture<Void>> savesSettledWaiters = new ArrayList<>();
    /** When the oldest change not yet handed to a save was made (clock millis); meaningful while dirty. */
    private long dirtySinceMillis;

    private record ReplyJob(AgentId agent, MessageEvent message) {
    }

    private record Loaded(World world, boolean created) {
    }

    WorldRuntime(DefaultEngine engine, WorldKey key, TemplateName template, boolean anonymousOwner) {
        this.engine = engine;
        this.anonymousOwner = anonymousOwner;
        this.key = key;
        this.template = template;
        this.actor = new SerialExecutor(engine.executor, "world " + key);
    }

    // ---- lifecycle ----

    /** Loads (or clones) the world on the storage executor, then subscribes to its topic on the actor. */
    void load(CompletionStage<?> after) {
        after.whenComplete((ignored, previous) -> engine.onStorage(this::readOrClone)
                .whenComplete((read, failure) -> actor.execute(() -> {
            try {
                if (failure != null) {
                    throw failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                            ? asRuntime(failure.getCause()) : asRuntime(failure);
                }
                world = read.world();
                created = read.created();
                // what the bus sequenced before this runtime subscribed was applied (and saved) by an earlier one
                appliedMessageSeq = engine.bus.position(key).seq();
                subscription = engine.bus.subscribe(key, event -> true, this::onBusEvent);
                engine.subscriptionsOpened();
                loaded.complete(null);
            } catch (RuntimeException e) {
                loaded.completeExceptionally(e);
                engine.runtimeFailed(this);
                unloaded.complete(null);
            }
        })));
    }

    /** On the storage executor. */
    private Loaded readOrClone() {
        if (engine.store.exists(key)) {
            return new Loaded(engine.store.load(key), false);
        }
        try {
            return new Loaded(engine.store.cloneFromTemplate(template, key), true);
        } catch (WorldExistsException raced) {
            return new Loaded(engine.store.load(key), false);
        }
    }

    private static RuntimeException asRuntime(Throwable failure) {
        return failure instanceof RuntimeException runtime ? runtime
                : new IllegalStateException(failure.getMessage(), failure);
    }

    /** Called (on the actor) once no connection holds the world any more and it is idle: save and release. */
    private void finishCloseIfIdle() {
        if (replying || awaitingEcho > 0 || !replies.isEmpty() || !engine.markClosed(this)) {
            return;
        }
        // nothing more is applied once closed, so the subscription goes first, not after a long save
        if (subscription != null) {
            subscription.close();
            engine.subscriptionsClosed();
        }
        CompletableFuture<Void> released;
        try {
            if (temporary) {
                // after any save still running, so that no write can bring the deleted world back
                released = savesSettled().thenCompose(ignored -> engine.onStorage(() -> {
                    engine.store.delete(key);
                    engine.bus.forget(key);
                    return null;
                }));
            } else {
                if (dirty && !(anonymousOwner && engine.deletedOnLeave(key.userId()))) {
                    save();
                }
                // unloaded (which a reload of this world, a guest's deletion and shutdown wait for) follows the writes
                // release is cheap and must not block (its contract), so it does not queue behind clones and loads
                released = savesSettled().thenRun(() -> engine.store.release(key));
            }
        } catch (RuntimeException e) {
            released = CompletableFuture.failedFuture(e);
        }
        released.whenComplete((ignored, failure) -> {
            if (failure != null) {
                LOG.log(Level.WARNING, "unloading " + key + " failed", failure);
            }
            unloaded.complete(null);
        });
    }

    /**
     * The engine is stopping and its grace is over: queued replies are dropped, no new one starts, and the running
     * one ends now with an error step, so the world saves the conversation so far and unloads without waiting.
     */
    void stopReplies() {
        actor.execute(() -> {
            stopping = true;
            replies.clear();
            if (current != null) {
                current.abort(new IllegalStateException("the server is shutting down"));
            }
        });
    }

    /** The last connection left (engine.runtimesLock decided it); unload once idle. */
    void closeWhenIdle() {
        actor.execute(this::finishCloseIfIdle);
    }

    // ---- attaching connections ----

    /** Sends {@code world_selected} (and the missed events on resume), then live events. */
    CompletionStage<Void> attach(Connection connection, WorldSelect select, String requestId) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loaded.whenComplete((ignored, failure) -> actor.execute(() -> {
            boolean attached = false;
            long sentUpTo = 0;
            try {
                if (failure != null) {
                    engine.replyError(connection, requestId, failure);
                    return;
                }
                connections.add(connection);
                if (!connection.beginAttach(this, select.persistent())) {
                    engine.release(this, connection);
                    return;
                }
                attached = true;
                StreamPosition position = engine.bus.position(key);
                sentUpTo = position.seq();
                Boolean recovered = null;
                List<WorldEvent> missed = List.of();
                if (select.resumeFrom() != null) {
                    // a seq without its epoch may be from before a restart or a topic reset, when seqs began again:
                    // only a fresh snapshot is sure to leave no silent gap
                    Optional<List<WorldEvent>> since = select.epoch() == null ? Optional.empty()
                            : engine.bus.eventsSince(key, new StreamPosition(select.resumeFrom(), select.epoch()));
                    recovered = since.isPresent();
                    missed = since.orElse(List.of());
                }
                boolean justCreated = created && !createdReported;
                createdReported = true;
                if (justCreated && !select.persistent()) {
                    // only the select that created a world may make it temporary: never delete an existing one
                    synchronized (engine.runtimesLock) {
                        temporary = true;
                    }
                }
                String templateName = world.config().metadata() != null
                        ? world.config().metadata().originalTemplate().value() : select.templateName().value();
                String historyChat = currentChat();
                ChatLog.Page history = Boolean.TRUE.equals(recovered) ? null : history(historyChat, position);
                connection.send(requestId, new WorldSelected(key.worldName().value(), templateName,
                        Views.world(world.config()), Views.agents(world), justCreated, recovered, position.seq(),
                        position.epoch(), history == null ? null : historyChat,
                        history == null ? null : history.messages(), history == null ? null : history.hasMore()));
                if (Boolean.TRUE.equals(recovered)) {
                    sentUpTo = select.resumeFrom();
                    for (WorldEvent event : missed) {
                        connection.replay(this, event, engine.frame(event));
                        sentUpTo = Math.max(sentUpTo, event.seq());
                    }
                }
            } catch (RuntimeException e) {
                engine.replyError(connection, requestId, e);
            } finally {
                if (attached) {
                    connection.endAttach(this, sentUpTo);
                }
                done.complete(null);
            }
        }));
        return done;
    }

    void detach(Connection connection) {
        connections.remove(connection);
    }

    // ---- requests ----

    CompletionStage<Void> chat(Connection connection, ChatSend chat, String requestId) {
        return onActor(connection, requestId, () -> {
            String sender = chat.sender() == null ? "human" : chat.sender();
            String lower = sender.toLowerCase(Locale.ROOT);
            if (lower.equals("world") || lower.equals("system")
                    || world.agents().stream().anyMatch(agent -> agent.id().value().equalsIgnoreCase(sender))) {
                connection.sendError(requestId, ErrorCode.INVALID_PAYLOAD,
                        "payload.sender: \"" + sender + "\" is reserved for the world, the system or an agent",
                        Map.of("field", "payload.sender"));
                return;
            }
            String chatId = chat.chatId() != null ? chat.chatId() : currentChat();
            MessageEvent message = new MessageEvent(key, chatId, 0, engine.clock.instant(), newMessageId(), sender,
                    SenderType.HUMAN, chat.content(), null, engine.nodeId);
            publishMessage(message).whenComplete((sequenced, failure) -> {
                if (failure != null) {
                    engine.replyError(connection, requestId, failure);
                } else {
                    connection.send(requestId, new Status(Status.MESSAGE_ACCEPTED, "message accepted",
                            Map.of("messageId", message.messageId(), "chatId", chatId, "seq", sequenced.seq())));
                }
            });
        });
    }

    CompletionStage<Void> updateAgent(Connection connection, AgentUpdate update, String requestId) {
        return onActorAsync(connection, requestId, () -> {
            Optional<Agent> found = world.agent(update.agentName());
            if (found.isEmpty()) {
                connection.sendError(requestId, ErrorCode.AGENT_NOT_FOUND, "world " + key.worldName()
                        + " has no agent \"" + update.agentName() + "\"", Map.of("agentName", update.agentName().value()));
                return CompletableFuture.completedFuture(null);
            }
            Agent agent = found.get();
            AgentConfig config = update.config().applyTo(agent.config());
            String prompt = update.config().applyToPrompt(agent.systemPrompt());
            world = world.withAgent(agent.withConfig(config).withSystemPrompt(prompt));
            // the update is announced once it is on disk; the actor goes on meanwhile
            CompletableFuture<Void> done = new CompletableFuture<>();
            writeLater(world).whenComplete((written, writeFailure) -> actor.execute(() -> {
                try {
                    if (writeFailure != null) {
                        // not written: undo it (unless a later update replaced it), as if it had never been applied
                        world.agent(agent.id()).filter(now -> now.config().equals(config)).ifPresent(now ->
                                world = world.withAgent(now.withConfig(agent.config())
                                        .withSystemPrompt(agent.systemPrompt())));
                        engine.replyError(connection, requestId, writeFailure);
                        return;
                    }
                    AgentUpdatedEvent event = new AgentUpdatedEvent(key, lastChatId, 0, engine.clock.instant(), config,
                            prompt, connection.clientId, agent.memory().size());
                    publishState(event).whenComplete((sequenced, failure) -> {
                        if (failure != null) {
                            engine.replyError(connection, requestId, failure);
                        } else {
                            connection.send(requestId, new Status(Status.AGENT_UPDATE_APPLIED, "agent " + config.id()
                                    + " updated", Map.of("agentName", config.id().value(), "seq", sequenced.seq())));
                        }
                    });
                } catch (RuntimeException e) {
                    engine.replyError(connection, requestId, e);
                } finally {
                    done.complete(null);
                }
            }));
            return done;
        });
    }

    CompletionStage<Void> reload(Connection connection, String requestId) {
        return onActorAsync(connection, requestId, () -> {
            // acknowledged changes (messages, memories) may still wait for the debounced save: write them first (and
            // let a running save finish), so the reload shows the store's edits on top of them instead of losing them
            CompletableFuture<Void> written = dirty ? writeLater(world) : savesSettled();
            CompletableFuture<Void> done = new CompletableFuture<>();
            written.thenCompose(ignored -> engine.onStorage(() -> engine.store.load(key)))
                    .whenComplete((reread, failure) -> actor.execute(() -> {
                        try {
                            if (failure != null) {
                                engine.replyError(connection, requestId, failure);
                                return;
                            }
                            world = reread;
                            dirty = false;
                            WorldReloadedEvent event = new WorldReloadedEvent(key, lastChatId, 0,
                                    engine.clock.instant(), reread, connection.clientId);
                            publishState(event).whenComplete((sequenced, published) -> {
                                if (published != null) {
                                    engine.replyError(connection, requestId, published);
                                } else {
                                    connection.send(requestId, new Status(Status.WORLD_RELOAD_APPLIED,
                                            "world reloaded from the store", Map.of("seq", sequenced.seq())));
                                }
                            });
                        } catch (RuntimeException e) {
                            engine.replyError(connection, requestId, e);
                        } finally {
                            done.complete(null);
                        }
                    }));
            return done;
        });
    }

    CompletionStage<Void> chatHistory(Connection connection, ChatHistoryRequest request, String requestId) {
        return onActor(connection, requestId, () -> {
            String chatId = request.chatId() != null ? request.chatId() : currentChat();
            Optional<ChatLog.Page> page = ChatLog.page(world, chatId, request.before(), request.effectiveLimit());
            if (page.isEmpty()) {
                connection.sendError(requestId, ErrorCode.INVALID_PAYLOAD, "payload.before: chat " + chatId
                        + " has no message \"" + request.before() + "\"", Map.of("field", "payload.before"));
                return;
            }
            connection.send(requestId, new ChatHistory(chatId, page.get().messages(), page.get().hasMore()));
        });
    }

    private CompletionStage<Void> onActor(Connection connection, String requestId, Runnable work) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loaded.whenComplete((ignored, failure) -> actor.execute(() -> {
            try {
                if (failure != null) {
                    engine.replyError(connection, requestId, failure);
                } else {
                    work.run();
                }
            } catch (RuntimeException e) {
                engine.replyError(connection, requestId, e);
            } finally {
                done.complete(null);
            }
        }));
        return done;
    }

    /** Like {@link #onActor}, for work that finishes later: the request is done when {@code work}'s stage is. */
    private CompletionStage<Void> onActorAsync(Connection connection, String requestId,
            java.util.function.Supplier<CompletionStage<?>> work) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loaded.whenComplete((ignored, failure) -> actor.execute(() -> {
            try {
                if (failure != null) {
                    engine.replyError(connection, requestId, failure);
                    done.complete(null);
                } else {
                    work.get().whenComplete((result, ignoredFailure) -> done.complete(null));
                }
            } catch (RuntimeException e) {
                engine.replyError(connection, requestId, e);
                done.complete(null);
            }
        }));
        return done;
    }

    /** Publishes a message of this node (on the actor); idle waits for its echo, which runs the reply rules. */
    private CompletionStage<WorldEvent> publishMessage(MessageEvent message) {
        awaitingEcho++;
        return publish(message).whenComplete((sequenced, failure) -> {
            if (failure != null) {
                actor.execute(() -> {
                    awaitingEcho--;
                    pumpReplies();
                });
            }
        });
    }

    private CompletionStage<WorldEvent> publishState(WorldEvent event) {
        publishedHere.add(event);
        return publish(event).whenComplete((sequenced, failure) -> {
            if (failure != null) {
                publishedHere.remove(event);
            }
        });
    }

    /**
     * Publishes on the bus; a bus that throws instead of failing the stage is turned into a failed stage, so the
     * counters waiting for an echo or a failure (awaitingEcho) always come down and the world keeps answering.
     */
    private CompletionStage<WorldEvent> publish(WorldEvent event) {
        try {
            CompletionStage<WorldEvent> stage = engine.bus.publish(event);
            return stage != null ? stage : CompletableFuture.failedFuture(new IllegalStateException("bus returned null"));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "publishing on " + key + " failed", e);
            return CompletableFuture.failedFuture(e);
        }
    }

    // ---- bus events: the one subscription of this world ----

    private void onBusEvent(WorldEvent event) {
        try {
            if (!connections.isEmpty()) {
                Frame frame = engine.frame(event);
                for (Connection connection : connections) {
                    connection.deliver(this, event, frame);
                }
            }
        } finally {
            // the world's state (and the echo count that idle and unload wait for) must follow the bus regardless
            applyOnActor(event);
        }
    }

    private void applyOnActor(WorldEvent event) {
        if (event instanceof MessageEvent message) {
            actor.execute(() -> onMessage(message));
        } else if (event instanceof AgentUpdatedEvent updated) {
            if (!publishedHere.remove(updated.withSeq(0))) {
                actor.execute(() -> applyRemote(updated));
            }
        } else if (event instanceof WorldReloadedEvent reloaded) {
            if (!publishedHere.remove(reloaded.withSeq(0))) {
                actor.execute(() -> world = reloaded.snapshot());
            }
        }
    }

    private void applyRemote(AgentUpdatedEvent updated) {
        world.agent(updated.config().id()).ifPresent(agent ->
                world = world.withAgent(agent.withConfig(updated.config()).withSystemPrompt(updated.systemPrompt())));
    }

    /** A message reached the world: into every agent's memory, then the reply rules (on the node that owns it). */
    private void onMessage(MessageEvent message) {
        if (state() == State.CLOSED) {
            return;
        }
        lastChatId = message.chatId();
        boolean reset = ReplyRules.resetsTurns(message.senderType());
        World updated = world;
        for (Agent agent : world.agents()) {
            boolean own = agent.id().value().equals(message.sender());
            Agent changed = agent.remember(new MemoryItem(own ? "assistant" : "user", message.content(),
                    message.timestamp(), message.sender(), message.chatId(), message.messageId(),
                    message.replyToMessageId(), agent.id().value(), Map.of()));
            countRemembered(agent, changed, own);
            if (reset && changed.config().llmCallCount() != 0) {
                changed = changed.withConfig(changed.config().withLlmCallCount(0));
            }
            updated = updated.withAgent(changed);
        }
        if (seqs == null) {
            seqs = new ChatLog.SeqIndex();
        }
        world = ChatLog.append(updated, message, seqs);
        appliedMessageSeq = Math.max(appliedMessageSeq, message.seq());
        markDirty();
        if (engine.nodeId.equals(message.origin())) {
            awaitingEcho--;
            activitySinceIdle = true;
            for (Agent agent : stopping ? List.<Agent>of() : world.agents()) {
                if (ReplyRules.shouldRespond(agent, message)) {
                    replies.add(new ReplyJob(agent.id(), message));
                }
            }
        }
        pumpReplies();
    }

    private void pumpReplies() {
        if (replying || awaitingEcho > 0) {
            return;
        }
        ReplyJob job = replies.poll();
        if (job == null) {
            if (activitySinceIdle) {
                activitySinceIdle = false;
                publish(new ActivityEvent(key, lastChatId, 0, engine.clock.instant(),
                        ActivityEvent.Kind.IDLE, 0, List.of()));
                if (dirty && state() == State.ACTIVE) {
                    scheduleSave();
                }
            }
            if (state() == State.CLOSING) {
                finishCloseIfIdle();
            }
            return;
        }
        startReply(job);
    }

    /**
     * How many replies {@code agent} has given in this world: the {@code assistant} items of its memory. Counted once
     * in full, then only over the items remembered since the last count, so a long conversation does not make every
     * reply read the agent's whole memory (its items are packed: every read builds one). A memory only grows between
     * replacements of the whole list (a reload); a list that did not grow from the one counted is counted again.
     */
    private long repliesGiven(Agent agent) {
        List<MemoryItem> memory = agent.memory();
        String agentId = agent.id().value();
        int known = repliesCounted.indexOf(agentId);
        int from = 0;
        long replies = 0;
        if (known >= 0 && Lists.startsWith(memory, repliesCounted.memories[known])) {
            from = repliesCounted.memories[known].size();
            replies = repliesCounted.replies[known];
        }
        for (int i = from; i < memory.size(); i++) {
            if ("assistant".equals(memory.get(i).role())) {
                replies++;
            }
        }
        repliesCounted.set(known, agentId, memory, replies);
        return replies;
    }

    /**
     * Keeps the count of {@code before}'s replies up to date when its memory grows by one item here ({@code reply}: an
     * {@code assistant} item), so that {@link #repliesGiven} reads no item.
     */
    private void countRemembered(Agent before, Agent after, boolean reply) {
        int known = repliesCounted.indexOf(before.id().value());
        if (known >= 0 && repliesCounted.memories[known] == before.memory()) {
            repliesCounted.memories[known] = after.memory();
            if (reply) {
                repliesCounted.replies[known]++;
            }
        }
    }

    /**
     * Per agent, the memory last counted and the replies in it; actor only. Arrays updated in place rather than an
     * object per agent: every message gives each agent a new memory, and each long-lived object that gets a reference
     * to a new one costs the next young collection a card (512 bytes of heap) to scan, where one small array costs one.
     */
    private static final class RepliesCounted {
        String[] agents = new String[4];
        List<MemoryItem>[] memories = newMemories(4);
        long[] replies = new long[4];
        int size;

        @SuppressWarnings("unchecked")
        private static List<MemoryItem>[] newMemories(int length) {
            return (List<MemoryItem>[]) new List<?>[length];
        }

        int indexOf(String agentId) {
            for (int i = 0; i < size; i++) {
                if (agents[i].equals(agentId)) {
                    return i;
                }
            }
            return -1;
        }

        /** Records the count for {@code agentId} at {@code index} (-1: not counted before); an empty memory drops it. */
        void set(int index, String agentId, List<MemoryItem> memory, long count) {
            if (memory.isEmpty()) {
                if (index >= 0) { // the last entry takes its place
                    size--;
                    agents[index] = agents[size];
                    memories[index] = memories[size];
                    replies[index] = replies[size];
                    agents[size] = null;
                    memories[size] = null;
                }
                return;
            }
            if (index < 0) {
                if (size == agents.length) {
                    agents = Arrays.copyOf(agents, 2 * size);
                    memories = Arrays.copyOf(memories, 2 * size);
                    replies = Arrays.copyOf(replies, 2 * size);
                }
                index = size++;
                agents[index] = agentId;
            }
            memories[index] = memory;
            replies[index] = count;
        }
    }

    private void startReply(ReplyJob job) {
        Optional<Agent> found = world.agent(job.agent());
        if (found.isEmpty() || !found.get().config().active()) {
            pumpReplies();
            return;
        }
        Agent agent = found.get();
        MessageEvent message = job.message();
        int turnLimit = world.config().turnLimit();
        if (ReplyRules.mustStop(agent, turnLimit)) {
            publishMessage(new MessageEvent(key, message.chatId(), 0, engine.clock.instant(), newMessageId(),
                    agent.id().value(), SenderType.AGENT, ReplyRules.turnLimitMessage(agent.config().llmCallCount()),
                    message.messageId(), engine.nodeId));
            pumpReplies();
            return;
        }
        replying = true;
        String agentId = agent.id().value();
        long replyNumber = repliesGiven(agent);
        world = world.withAgent(agent.withConfig(agent.config().withLlmCallCount(agent.config().llmCallCount() + 1)));
        markDirty();
        String prefix = agent.config().autoReply() && message.senderType() == SenderType.AGENT
                ? "@" + message.sender() + " " : "";
        ReplyStream stream = new ReplyStream(message, agentId, newMessageId(), prefix);
        current = stream;
        publish(new ActivityEvent(key, message.chatId(), 0, engine.clock.instant(),
                ActivityEvent.Kind.RESPONSE_START, replies.size() + 1, List.of(agentId)));
        publishStep(message, agentId, stream.messageId, StreamEvent.Kind.START, "");
        AgentResponder responder = engine.responderFor(agent.config());
        CompletionStage<String> reply;
        try {
            // chunks may come on any thread: the actor orders them with the end, so none can follow it
            reply = responder.respond(new ReplyRequest(key, world.config(), agent, message, replyNumber), chunk -> {
                if (chunk != null && !chunk.isEmpty()) {
                    actor.execute(() -> stream.append(chunk));
                }
            });
            if (reply == null) {
                reply = CompletableFuture.failedFuture(new IllegalStateException("responder returned null"));
            }
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        CompletionStage<String> running = reply;
        stream.running = running;
        CompletableFuture<String> outcome = stream.outcome;
        running.whenComplete((text, failure) -> {
            if (failure != null) {
                outcome.completeExceptionally(failure);
            } else if (text == null) {
                outcome.completeExceptionally(new IllegalStateException("responder completed without a reply"));
            } else {
                outcome.complete(text);
            }
        });
        ScheduledFuture<?> timer = scheduleTimeout(outcome, running);
        outcome.whenComplete((text, failure) -> {
            if (timer != null) {
                timer.cancel(false);
            }
            actor.execute(() -> {
                try {
                    stream.finish();
                    finishReply(message, agentId, stream.messageId, failure == null ? stream.prefixUsed + text : null,
                            failure);
                } finally {
                    if (current == stream) {
                        current = null;
                    }
                    replying = false;
                    pumpReplies();
                }
            });
        });
    }

    /**
     * One running reply's stream steps, actor-confined: chunks are gathered into steps of about
     * {@link #CHUNK_CHARS} characters (or what came within {@link #CHUNK_MILLIS}); once finished, nothing more of
     * it is published, so no chunk can follow its end or error.
     */
    private final class ReplyStream {
        final MessageEvent message;
        final String agentId;
        final String messageId;
        final String prefix;
        final CompletableFuture<String> outcome = new CompletableFuture<>();
        final StringBuilder prefixUsed = new StringBuilder();
        private final StringBuilder pending = new StringBuilder();
        private boolean first = true;
        private boolean finished;
        private ScheduledFuture<?> flushTimer;
        CompletionStage<String> running;

        ReplyStream(MessageEvent message, String agentId, String messageId, String prefix) {
            this.message = message;
            this.agentId = agentId;
            this.messageId = messageId;
            this.prefix = prefix;
        }

        void append(String chunk) {
            if (finished) {
                return;
            }
            if (first) {
                first = false;
                if (!prefix.isEmpty() && !chunk.startsWith("@")) {
                    prefixUsed.append(prefix);
                    pending.append(prefix);
                }
            }
            pending.append(chunk);
            if (pending.length() >= CHUNK_CHARS) {
                flush();
            } else if (flushTimer == null) {
                try {
                    flushTimer = engine.scheduler.schedule(() -> actor.execute(this::flushOnTimer), CHUNK_MILLIS,
                            TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    // stopping: the next full step or the end publishes the text
                }
            }
        }

        private void flushOnTimer() {
            flushTimer = null;
            flush();
        }

        private void flush() {
            if (flushTimer != null) {
                flushTimer.cancel(false);
                flushTimer = null;
            }
            if (finished || pending.length() == 0) {
                return;
            }
            String text = pending.toString();
            pending.setLength(0);
            publishStep(message, agentId, messageId, StreamEvent.Kind.CHUNK, text);
            saveIfOverdue();
        }

        /** Publishes what is gathered; from now on chunks are dropped. */
        void finish() {
            flush();
            finished = true;
        }

        /** Ends the reply now with {@code failure} (its error step follows), and cancels the responder. */
        void abort(Throwable failure) {
            if (outcome.completeExceptionally(failure) && running != null) {
                try {
                    running.toCompletableFuture().cancel(true);
                } catch (UnsupportedOperationException ignored) {
                    // a stage that cannot be cancelled finishes on its own; its result is ignored
                }
            }
        }
    }

    /** Fails {@code outcome} if the responder has not finished within the engine's reply timeout, and cancels it. */
    private ScheduledFuture<?> scheduleTimeout(CompletableFuture<String> outcome, CompletionStage<String> running) {
        if (outcome.isDone()) {
            return null;
        }
        long millis = engine.replyTimeout.toMillis();
        try {
            return engine.scheduler.schedule(() -> {
                if (outcome.completeExceptionally(new TimeoutException("no reply within " + millis / 1000 + " s"))) {
                    try {
                        running.toCompletableFuture().cancel(true);
                    } catch (UnsupportedOperationException ignored) {
                        // a stage that cannot be cancelled finishes on its own; its result is ignored
                    }
                }
            }, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    private void finishReply(MessageEvent message, String agentId, String messageId, String text, Throwable failure) {
        if (failure != null || text == null) {
            Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            String reason = cause == null ? "no reply" : cause.getMessage() == null ? cause.getClass().getSimpleName()
                    : cause.getMessage();
            LOG.log(Level.WARNING, "agent " + agentId + " of " + key + " failed to reply", cause);
            publishStep(message, agentId, messageId, StreamEvent.Kind.ERROR, "agent " + agentId + " could not reply: "
                    + reason);
        } else {
            publishStep(message, agentId, messageId, StreamEvent.Kind.END, text);
            publishMessage(new MessageEvent(key, message.chatId(), 0, engine.clock.instant(), messageId, agentId,
                    SenderType.AGENT, text, message.messageId(), engine.nodeId));
        }
        publish(new ActivityEvent(key, message.chatId(), 0, engine.clock.instant(),
                ActivityEvent.Kind.RESPONSE_END, replies.size(), List.of(agentId)));
    }

    private void publishStep(MessageEvent message, String agentId, String messageId, StreamEvent.Kind kind,
            String content) {
        publish(new StreamEvent(key, message.chatId(), 0, engine.clock.instant(), agentId, messageId,
                message.messageId(), kind, content));
    }

    /** The chat that {@code chat_send} without a chat id posts to, and whose history {@code world_selected} shows. */
    private String currentChat() {
        return world.config().currentChatId() != null ? world.config().currentChatId() : DEFAULT_CHAT;
    }

    /**
     * The last messages of {@code chatId} up to {@code position}: the world's event log, plus messages the bus has
     * sequenced but this actor has not applied yet (they are in the snapshot's seq range, so no live delivery will
     * bring them to the connection being attached).
     */
    private ChatLog.Page history(String chatId, StreamPosition position) {
        int limit = engine.historyLimit;
        ChatLog.Page recent = ChatLog.recent(world, chatId, limit);
        if (limit == 0 || appliedMessageSeq >= position.seq()) {
            return recent;
        }
        List<MessageView> logged = recent.messages();
        List<WorldEvent> pending = engine.bus.eventsSince(key, new StreamPosition(appliedMessageSeq, position.epoch()))
                .orElse(List.of());
        List<MessageView> combined = new ArrayList<>(logged);
        Set<String> ids = new HashSet<>();
        logged.forEach(view -> ids.add(view.messageId()));
        for (WorldEvent event : pending) {
            if (event.seq() <= position.seq() && event instanceof MessageEvent message
                    && message.chatId().equals(chatId) && ids.add(message.messageId())) {
                combined.add(ChatLog.view(message));
            }
        }
        if (combined.size() <= limit) {
            return new ChatLog.Page(combined, recent.hasMore());
        }
        return new ChatLog.Page(List.copyOf(combined.subList(combined.size() - limit, combined.size())), true);
    }

    // ---- persistence ----

    private void scheduleSave() {
        if (saveScheduled) {
            return;
        }
        saveScheduled = true;
        Runnable saveLater = () -> actor.execute(() -> {
            saveScheduled = false;
            if (dirty && state() != State.CLOSED) {
                trySave();
            }
        });
        try {
            engine.scheduler.schedule(saveLater, engine.saveDelayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            saveScheduled = false;
            trySave();
        }
    }

    /**
     * The world changed: it is written the engine's save delay after it next goes idle, and, in a world that is
     * never idle that long (sustained chat, long streamed replies), with the first change or stream step that comes
     * {@link #SAVE_MAX_DELAY_MILLIS} (or the save delay, if longer) after the oldest unsaved change. No timer per
     * world: a busy world has events.
     */
    private void markDirty() {
        if (!dirty) {
            dirty = true;
            dirtySinceMillis = engine.clock.millis();
        } else {
            saveIfOverdue();
        }
    }

    private void saveIfOverdue() {
        if (dirty && engine.clock.millis() - dirtySinceMillis >= engine.saveMaxDelayMillis && state() == State.ACTIVE) {
            trySave();
        }
    }

    private void trySave() {
        save();
    }

    private void save() {
        if (!temporaryNow()) {
            writeLater(world);
        }
    }

    /**
     * Hands {@code snapshot} to the storage executor and returns at once: the world's saves run one at a time, in
     * order; while one runs, only the latest snapshot waits (older waiting ones are dropped, the last one wins). The
     * result completes (on a storage thread) when {@code snapshot} or a later one is written, or fails with the
     * store's error.
     */
    private CompletableFuture<Void> writeLater(World snapshot) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        dirty = false;
        if (saveRunning) {
            pendingSave = snapshot;
            pendingSaveWaiters.add(written);
        } else {
            startSave(snapshot, List.of(written));
        }
        return written;
    }

    private void startSave(World snapshot, List<CompletableFuture<Void>> waiters) {
        saveRunning = true;
        engine.saves.submit(() -> {
            engine.store.save(key, snapshot);
            return null;
        }).whenComplete((ignored, failure) -> actor.execute(() -> saveFinished(waiters, failure)));
    }

    private void saveFinished(List<CompletableFuture<Void>> waiters, Throwable failure) {
        saveRunning = false;
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof dev.worldws.api.WorldNotFoundException) {
            // the world was deleted (its guest left, or it was temporary): nothing to keep, and never recreate it
            LOG.log(Level.DEBUG, "{0} was deleted; its last changes are not saved", key);
        } else if (cause != null) {
            LOG.log(Level.WARNING, "saving " + key + " failed; will retry when it next goes idle", cause);
            if (pendingSave == null && state() == State.ACTIVE) {
                markDirty();
            }
        }
        for (CompletableFuture<Void> waiter : waiters) {
            if (cause == null) {
                waiter.complete(null);
            } else {
                waiter.completeExceptionally(cause);
            }
        }
        if (pendingSave != null) {
            World next = pendingSave;
            List<CompletableFuture<Void>> nextWaiters = List.copyOf(pendingSaveWaiters);
            pendingSave = null;
            pendingSaveWaiters.clear();
            startSave(next, nextWaiters);
            return;
        }
        List<CompletableFuture<Void>> settled = List.copyOf(savesSettledWaiters);
        savesSettledWaiters.clear();
        settled.forEach(waiter -> waiter.complete(null));
    }

    /** Completes (never exceptionally) once no save of this world runs or waits; call on the actor. */
    private CompletableFuture<Void> savesSettled() {
        if (!saveRunning) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> settled = new CompletableFuture<>();
        savesSettledWaiters.add(settled);
        return settled;
    }

    private boolean temporaryNow() {
        synchronized (engine.runtimesLock) {
            return temporary;
        }
    }

    private State state() {
        synchronized (engine.runtimesLock) {
            return state;
        }
    }

    /**
     * Completes, on the actor, with whether an agent reply is running, queued or waiting for its message's echo (for
     * a shutdown that closes as soon as nothing is in flight). A world that never loaded is not busy.
     */
    CompletionStage<Boolean> busy() {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        loaded.whenComplete((ignored, failure) -> {
            if (failure != null) {
                result.complete(false);
                return;
            }
            try {
                actor.execute(() -> result.complete(replying || awaitingEcho > 0 || !replies.isEmpty()));
            } catch (RuntimeException e) {
                result.complete(false);
            }
        });
        return result;
    }

    /** The world as the actor sees it now; only for tests and views, via the actor. */
    CompletionStage<World> snapshot() {
        CompletableFuture<World> result = new CompletableFuture<>();
        loaded.whenComplete((ignored, failure) -> actor.execute(() -> {
            if (failure != null) {
                result.completeExceptionally(failure);
            } else {
                result.complete(world);
            }
        }));
        return result;
    }

    private static String newMessageId() {
        return MessageIds.next();
    }
}
