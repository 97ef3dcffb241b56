package dev.worldws.tyrus.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.worldws.api.protocol.CloseCodes;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;

/**
 * A client for a world-ws server, on the Tyrus client with a shared container (one set of threads for every
 * client in the JVM).
 *
 * <pre>{@code
 * try (WorldWsClient client = WorldWsClient.builder(URI.create("ws://127.0.0.1:8080/ws")).token(jwt).build()) {
 *     client.onChatResponse(chunk -> System.out.print(chunk.text("content").orElse("")));
 *     client.connect().join();
 *     client.selectWorld("demo", "my-world").join();
 *     client.chat("Hello @alice").join();      // completes with status message_accepted
 * }
 * }</pre>
 *
 * <p><b>Requests</b> return futures completed by the server's answer (the message whose {@code replyTo} is the
 * request's id), or failed with a {@link WorldWsClientException}: the server's {@code error} code and message, or
 * {@code connection_lost}, {@code not_connected}, {@code timeout}, {@code client_closed}.
 *
 * <p><b>Reconnect:</b> when the connection drops for any reason but a deliberate close, a refused credential
 * (4401) or a protocol violation (1003, 1008), the client reconnects following its {@link ReconnectPolicy}
 * (exponential backoff, full jitter). An anonymous client presents its {@code resumeToken} so it stays the same
 * user. If a world was selected, it is selected again with {@code resumeFrom} = the last {@code seq} seen (and
 * its epoch): the server then sends exactly the missed events, or a fresh snapshot ({@code recovered: false}).
 * The resulting {@code world_selected} and events reach the {@link #onEvent event listeners}. Requests pending
 * when the connection dropped fail with {@code connection_lost}; they are not resent.
 *
 * <p><b>Liveness:</b> the client sends an app-level {@code ping} every {@link Builder#pingInterval ping interval};
 * if its {@code pong} does not come within the request timeout, the connection is considered dead and replaced.
 *
 * <p><b>Threading:</b> thread-safe. Listeners and future completions run on the client's own thread, one at a
 * time, in arrival order; they must not block.
 */
public final class WorldWsClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WorldWsClient.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    /** Where the client is in its lifecycle. */
    public enum State { NEW, CONNECTING, OPEN, RECONNECTING, CLOSED }

    private final URI uri;
    private final Supplier<String> token;
    private final ReconnectPolicy reconnect;
    private final Duration requestTimeout;
    private final Duration pingInterval;
    private final ClientManager container;
    private final ScheduledExecutorService thread;

    private final Map<String, CompletableFuture<ServerFrame>> pending = new ConcurrentHashMap<>();
    private final AtomicLong requestIds = new AtomicLong();
    private final List<Consumer<ServerFrame>> eventListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<ServerFrame>> chatListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<State>> stateListeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<ServerFrame> firstConnected = new CompletableFuture<>();

    // confined to the client thread
    private Session session;
    private int attempt;
    private boolean everConnected;
    private String resumeToken;
    private Selection selection;
    private long lastSeq = -1;
    private String epoch;
    private ServerFrame connectedFrame;
    private ScheduledFuture<?> pinger;
    private volatile State state = State.NEW;

    private WorldWsClient(Builder builder) {
        this.uri = builder.uri;
        this.token = builder.token;
        this.reconnect = builder.reconnect;
        this.requestTimeout = builder.requestTimeout;
        this.pingInterval = builder.pingInterval;
        this.container = ClientManager.createClient();
        container.getProperties().put(ClientProperties.SHARED_CONTAINER, true);
        container.getProperties().put(ClientProperties.HANDSHAKE_TIMEOUT, (int) builder.connectTimeout.toMillis());
        int number = CLIENTS.incrementAndGet();
        this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "world-ws-client-" + number);
            t.setDaemon(true);
            return t;
        });
    }

    /** A builder for a client of the server at {@code uri} ({@code ws://host:port/ws}). */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    // ---------------------------------------------------------------- listeners

    /**
     * Receives every server message that is not the answer to one of this client's requests: world events,
     * {@code chat_response} steps, {@code agent_updated}, {@code world_reloaded}, notices such as
     * {@code status server_shutdown}, and after each reconnect its {@code connected} and the
     * {@code world_selected} of the resume.
     */
    public WorldWsClient onEvent(Consumer<ServerFrame> listener) {
        eventListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Receives each {@code chat_response} step (start, chunk, end, error) of every agent reply. */
    public WorldWsClient onChatResponse(Consumer<ServerFrame> listener) {
        chatListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Receives every change of {@link #state()}. */
    public WorldWsClient onStateChange(Consumer<State> listener) {
        stateListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Connects; the future completes with the server's {@code connected} message, or fails if the first attempt
     * fails (a refused token fails with code {@code unauthorized}). Later drops are handled by reconnecting.
     */
    public CompletableFuture<ServerFrame> connect() {
        executeUnlessShutDown(() -> {
            if (state == State.NEW) {
                setState(State.CONNECTING);
                openSession();
            }
        });
        return firstConnected;
    }

    /** The current state. */
    public State state() {
        return state;
    }

    /** The last {@code connected} message, if connected at least once. */
    public CompletableFuture<ServerFrame> connected() {
        return firstConnected;
    }

    /** The last world sequence number this client saw, or -1. */
    public long lastSeq() {
        return call(() -> lastSeq);
    }

    /** Closes the connection with 1000 and stops reconnecting; pending requests fail with {@code client_closed}. */
    @Override
    public void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            thread.execute(() -> {
                try {
                    if (state != State.CLOSED) {
                        setState(State.CLOSED);
                        stopPinger();
                        Session current = session;
                        session = null;
                        failPending(WorldWsClientException.CLOSED, "the client was closed");
                        firstConnected.completeExceptionally(new WorldWsClientException(WorldWsClientException.CLOSED,
                                "the client was closed before it connected", null));
                        if (current != null && current.isOpen()) {
                            try {
                                current.close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "client closed"));
                            } catch (IOException | RuntimeException e) {
                                LOG.log(System.Logger.Level.DEBUG, () -> "close failed: " + e);
                            }
                        }
                    }
                } finally {
                    done.complete(null);
                }
            });
            done.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "close did not finish: " + e);
        } finally {
            thread.shutdown();
        }
    }

    // ---------------------------------------------------------------- requests

    /**
     * Selects (creating it from {@code templateName} if needed) the world {@code worldName}; completes with
     * {@code world_selected}. The world is re-selected automatically after a reconnect.
     */
    public CompletableFuture<ServerFrame> selectWorld(String templateName, String worldName) {
        return selectWorld(templateName, worldName, true);
    }

    /** Same as {@link #selectWorld(String, String)}; {@code persistent = false} lets the server delete the world when its last connection leaves. */
    public CompletableFuture<ServerFrame> selectWorld(String templateName, String worldName, boolean persistent) {
        ObjectNode payload = JSON.createObjectNode()
                .put("templateName", templateName).put("worldName", worldName).put("persistent", persistent);
        Selection wanted = new Selection(templateName, worldName, persistent);
        return request("world_select", payload).thenApplyAsync(frame -> {
            selection = wanted;
            return frame;
        }, thread);
    }

    /** Posts a message to the selected world's current chat; completes with {@code status message_accepted}. */
    public CompletableFuture<ServerFrame> chat(String content) {
        return request("chat_send", JSON.createObjectNode().put("content", content));
    }

    /** Posts a message to a given chat, under a given human sender name (either may be {@code null}). */
    public CompletableFuture<ServerFrame> chat(String content, String chatId, String sender) {
        ObjectNode payload = JSON.createObjectNode().put("content", content);
        if (chatId != null) {
            payload.put("chatId", chatId);
        }
        if (sender != null) {
            payload.put("sender", sender);
        }
        return request("chat_send", payload);
    }

    /** Changes fields of an agent's config (for example {@code systemPrompt}, {@code active}); completes with the server's acknowledgement. */
    public CompletableFuture<ServerFrame> updateAgent(String agentName, Map<String, ?> config) {
        ObjectNode payload = JSON.createObjectNode().put("agentName", agentName);
        payload.set("config", JSON.valueToTree(config));
        return request("agent_update", payload);
    }

    /**
     * Pages back through a chat's stored messages; completes with {@code chat_history} ({@code messages} oldest
     * first, {@code hasMore}). {@code world_selected} already carries the latest page of the current chat as
     * {@code history}.
     *
     * @param chatId the chat, or {@code null} for the world's current chat
     * @param before the id of the oldest message already shown, or {@code null} for the latest messages
     * @param limit messages per page, 1 to 200
     */
    public CompletableFuture<ServerFrame> chatHistory(String chatId, String before, int limit) {
        ObjectNode payload = JSON.createObjectNode().put("limit", limit);
        if (chatId != null) {
            payload.put("chatId", chatId);
        }
        if (before != null) {
            payload.put("before", before);
        }
        return request("chat_history", payload);
    }

    /** Re-reads the selected world from the server's store. */
    public CompletableFuture<ServerFrame> reloadWorld() {
        return request("world_reload", JSON.createObjectNode());
    }

    /** Limits the events this connection receives to the given channels ({@code message}, {@code stream}, {@code world}, {@code system}). */
    public CompletableFuture<ServerFrame> subscribe(Set<String> eventTypes) {
        ObjectNode payload = JSON.createObjectNode();
        payload.set("eventTypes", JSON.valueToTree(eventTypes));
        return request("event_subscribe", payload);
    }

    /** An app-level ping; completes with the server's {@code pong}. */
    public CompletableFuture<ServerFrame> ping() {
        return request("ping", JSON.createObjectNode());
    }

    /**
     * Sends any request type with any payload; completes with the answer. For message types this client does not
     * wrap yet.
     */
    public CompletableFuture<ServerFrame> request(String type, ObjectNode payload) {
        String id = "r" + requestIds.incrementAndGet();
        CompletableFuture<ServerFrame> answer = new CompletableFuture<>();
        ObjectNode message = JSON.createObjectNode().put("type", type).put("id", id);
        message.set("payload", payload);
        String text = message.toString();
        try {
            thread.execute(() -> send(id, text, answer));
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            answer.completeExceptionally(new WorldWsClientException(WorldWsClientException.CLOSED,
                    "the client was closed", id));
        }
        return answer.orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(failure -> {
                    pending.remove(id);
                    if (failure instanceof java.util.concurrent.TimeoutException) {
                        return CompletableFuture.failedFuture(new WorldWsClientException(WorldWsClientException.TIMEOUT,
                                "no answer to " + type + " within " + requestTimeout.toMillis() + " ms", id));
                    }
                    return CompletableFuture.failedFuture(failure);
                });
    }

    private void send(String id, String text, CompletableFuture<ServerFrame> answer) {
        Session current = session;
        if (state != State.OPEN || current == null || !current.isOpen()) {
            answer.completeExceptionally(new WorldWsClientException(
                    state == State.CLOSED ? WorldWsClientException.CLOSED : WorldWsClientException.NOT_CONNECTED,
                    "not connected (state " + state + ")", id));
            return;
        }
        pending.put(id, answer);
        try {
            current.getAsyncRemote().sendText(text, result -> {
                if (!result.isOK()) {
                    CompletableFuture<ServerFrame> lost = pending.remove(id);
                    if (lost != null) {
                        lost.completeExceptionally(new WorldWsClientException(WorldWsClientException.CONNECTION_LOST,
                                "sending failed: " + result.getException(), id, result.getException()));
                    }
                }
            });
        } catch (RuntimeException e) {
            pending.remove(id);
            answer.completeExceptionally(new WorldWsClientException(WorldWsClientException.CONNECTION_LOST,
                    "sending failed: " + e, id, e));
        }
    }

    // ---------------------------------------------------------------- connection handling (client thread)

    private void openSession() {
        if (state == State.CLOSED) {
            return;
        }
        String bearer = token == null ? null : token.get();
        URI target = resumeToken == null || bearer != null ? uri : withQuery(uri, "resumeToken", resumeToken);
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create()
                .configurator(new ClientEndpointConfig.Configurator() {
                    @Override
                    public void beforeRequest(Map<String, List<String>> headers) {
                        if (bearer != null) {
                            headers.put("Authorization", List.of("Bearer " + bearer));
                        }
                    }
                }).build();
        try {
            container.connectToServer(new Listener(), config, target);
        } catch (Exception e) {
            connectFailed(e);
        }
    }

    private void connectFailed(Exception failure) {
        LOG.log(System.Logger.Level.DEBUG, () -> "connecting to " + uri + " failed: " + failure);
        if (!everConnected && state == State.CONNECTING) {
            setState(State.CLOSED);
            firstConnected.completeExceptionally(new WorldWsClientException(WorldWsClientException.NOT_CONNECTED,
                    "cannot connect to " + uri + ": " + rootMessage(failure), null, failure));
            thread.shutdown();
            return;
        }
        scheduleReconnect();
    }

    private void scheduleReconnect() {
        if (state == State.CLOSED) {
            return;
        }
        if (!reconnect.allows(attempt)) {
            LOG.log(System.Logger.Level.INFO, () -> "giving up on " + uri + " after " + attempt + " attempts");
            setState(State.CLOSED);
            return;
        }
        Duration delay = reconnect.delay(attempt++);
        setState(State.RECONNECTING);
        thread.schedule(this::openSession, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void opened(Session opened) {
        if (state == State.CLOSED) {
            closeQuietly(opened);
            return;
        }
        session = opened;
    }

    private void received(Session from, String text) {
        if (from != session) {
            return; // a stale connection's last words
        }
        ServerFrame frame;
        try {
            frame = ServerFrame.parse(text);
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage());
            return;
        }
        if (frame.seq() >= 0) {
            lastSeq = Math.max(lastSeq, frame.seq());
        }
        switch (frame.type()) {
            case "connected" -> {
                onConnected(frame);
                return;
            }
            case "world_selected" -> {
                lastSeq = frame.payload().path("seq").asLong(lastSeq);
                epoch = frame.text("epoch").orElse(epoch);
            }
            default -> {
                // nothing to track
            }
        }
        CompletableFuture<ServerFrame> answer = frame.replyTo() == null ? null : pending.remove(frame.replyTo());
        if (answer != null) {
            if (frame.is("error")) {
                answer.completeExceptionally(new WorldWsClientException(frame.text("code").orElse("internal"),
                        frame.text("message").orElse("the server refused the request"), frame.replyTo()));
            } else {
                answer.complete(frame);
            }
            return;
        }
        if (frame.is("chat_response")) {
            deliver(chatListeners, frame);
        }
        deliver(eventListeners, frame);
    }

    private void onConnected(ServerFrame frame) {
        connectedFrame = frame;
        boolean anonymous = frame.payload().path("anonymous").asBoolean(false);
        resumeToken = anonymous ? frame.text("resumeToken").orElse(resumeToken) : null;
        attempt = 0;
        boolean reconnected = everConnected;
        everConnected = true;
        setState(State.OPEN);
        startPinger();
        firstConnected.complete(frame);
        if (reconnected) {
            deliver(eventListeners, frame);
            if (selection != null) {
                resume(selection);
            }
        }
    }

    private void resume(Selection selected) {
        ObjectNode payload = JSON.createObjectNode()
                .put("templateName", selected.templateName).put("worldName", selected.worldName)
                .put("persistent", selected.persistent);
        if (lastSeq >= 0) {
            payload.put("resumeFrom", lastSeq);
            if (epoch != null) {
                payload.put("epoch", epoch);
            }
        }
        // the answer is an event for the listeners: the caller of the original select is long gone
        String id = "resume" + requestIds.incrementAndGet();
        ObjectNode message = JSON.createObjectNode().put("type", "world_select").put("id", id);
        message.set("payload", payload);
        CompletableFuture<ServerFrame> answer = new CompletableFuture<>();
        send(id, message.toString(), answer);
        answer.whenCompleteAsync((frame, failure) -> {
            if (frame != null) {
                deliver(eventListeners, frame);
            } else {
                LOG.log(System.Logger.Level.WARNING, () -> "re-selecting " + selected.worldName + " failed: " + failure);
            }
        }, thread);
    }

    private void closed(Session from, int code, String reason) {
        if (from != session) {
            return; // a connection already given up (its close was handled when it was replaced)
        }
        session = null;
        stopPinger();
        failPending(WorldWsClientException.CONNECTION_LOST, "connection closed (" + code + " " + reason + ")");
        if (state == State.CLOSED) {
            return;
        }
        if (!everConnected && state == State.CONNECTING) {
            setState(State.CLOSED);
            String errorCode = code == CloseCodes.UNAUTHORIZED ? "unauthorized" : WorldWsClientException.NOT_CONNECTED;
            firstConnected.completeExceptionally(new WorldWsClientException(errorCode,
                    "connection refused (" + code + "): " + reason, null));
            return;
        }
        if (code == CloseCodes.UNAUTHORIZED || code == CloseCodes.UNSUPPORTED_DATA
                || code == CloseCodes.POLICY_VIOLATION) {
            LOG.log(System.Logger.Level.WARNING, () -> "server closed the connection with " + code + " (" + reason
                    + "); not reconnecting");
            setState(State.CLOSED);
            return;
        }
        if (state == State.OPEN) {
            LOG.log(System.Logger.Level.INFO, () -> "connection lost (" + code + " " + reason + "); reconnecting");
        }
        scheduleReconnect();
    }

    private void startPinger() {
        stopPinger();
        if (pingInterval.isZero()) {
            return;
        }
        long interval = pingInterval.toMillis();
        pinger = thread.scheduleWithFixedDelay(() -> {
            Session pinged = session;
            if (state != State.OPEN || pinged == null) {
                return;
            }
            ping().whenCompleteAsync((pong, failure) -> {
                if (failure != null && rootCause(failure) instanceof WorldWsClientException e
                        && WorldWsClientException.TIMEOUT.equals(e.code()) && session == pinged) {
                    LOG.log(System.Logger.Level.INFO, "no pong from " + uri + "; replacing the connection");
                    closeQuietly(pinged);
                    closed(pinged, 1006, "no pong");
                }
            }, thread);
        }, interval, interval, TimeUnit.MILLISECONDS);
    }

    private void stopPinger() {
        if (pinger != null) {
            pinger.cancel(false);
            pinger = null;
        }
    }

    private void failPending(String code, String message) {
        List<String> ids = new ArrayList<>(pending.keySet());
        for (String id : ids) {
            CompletableFuture<ServerFrame> answer = pending.remove(id);
            if (answer != null) {
                answer.completeExceptionally(new WorldWsClientException(code, message, id));
            }
        }
    }

    private void setState(State next) {
        if (state != next) {
            state = next;
            for (Consumer<State> listener : stateListeners) {
                try {
                    listener.accept(next);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "state listener failed: " + e, e);
                }
            }
        }
    }

    private static void deliver(List<Consumer<ServerFrame>> listeners, ServerFrame frame) {
        for (Consumer<ServerFrame> listener : listeners) {
            try {
                listener.accept(frame);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "listener failed on " + frame.type() + ": " + e, e);
            }
        }
    }

    private <T> T call(java.util.concurrent.Callable<T> task) {
        try {
            return thread.submit(task).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("client thread unavailable: " + e, e);
        }
    }

    private static void closeQuietly(Session session) {
        try {
            session.close();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "close failed: " + e);
        }
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String rootMessage(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    static URI withQuery(URI base, String name, String value) {
        String pair = name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
        String text = base.toString();
        return URI.create(text + (base.getRawQuery() == null ? "?" : "&") + pair);
    }

    /** The Tyrus endpoint of one connection attempt; hands everything to the client thread. */
    private final class Listener extends Endpoint {
        @Override
        public void onOpen(Session opened, EndpointConfig config) {
            opened.setMaxTextMessageBufferSize(16 * 1024 * 1024);
            // registered before handing over so no message can slip past; processed on the client thread in order
            opened.addMessageHandler(String.class, text -> post(() -> received(opened, text)));
            post(() -> opened(opened));
        }

        @Override
        public void onClose(Session closedSession, CloseReason reason) {
            int code = reason.getCloseCode().getCode();
            String phrase = reason.getReasonPhrase() == null ? "" : reason.getReasonPhrase();
            post(() -> closed(closedSession, code, phrase));
        }

        @Override
        public void onError(Session errored, Throwable failure) {
            LOG.log(System.Logger.Level.DEBUG, () -> "connection error: " + failure);
        }
    }

    /** Runs {@code task} on the client thread; after close there is nothing left to do, so it is dropped. */
    private void post(Runnable task) {
        try {
            thread.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            LOG.log(System.Logger.Level.DEBUG, "client closed; event dropped");
        }
    }

    private void executeUnlessShutDown(Runnable task) {
        try {
            thread.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            firstConnected.completeExceptionally(new WorldWsClientException(WorldWsClientException.CLOSED,
                    "the client was closed", null));
        }
    }

    private record Selection(String templateName, String worldName, boolean persistent) {}

    /** Configures a {@link WorldWsClient}. */
    public static final class Builder {
        private final URI uri;
        private Supplier<String> token;
        private ReconnectPolicy reconnect = ReconnectPolicy.DEFAULT;
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration pingInterval = Duration.ofSeconds(25);

        private Builder(URI uri) {
            this.uri = Objects.requireNonNull(uri, "uri");
            if (!"ws".equals(uri.getScheme()) && !"wss".equals(uri.getScheme())) {
                throw new IllegalArgumentException("uri must be ws:// or wss:// (was " + uri + ")");
            }
        }

        /** A JWT sent as {@code Authorization: Bearer} at every handshake; without one the client is anonymous. */
        public Builder token(String value) {
            Objects.requireNonNull(value, "token");
            this.token = () -> value;
            return this;
        }

        /** Asks for the token at every handshake, so a reconnect can present a refreshed one. */
        public Builder token(Supplier<String> value) {
            this.token = Objects.requireNonNull(value, "token");
            return this;
        }

        /** How to reconnect; {@link ReconnectPolicy#DEFAULT} unless set. */
        public Builder reconnect(ReconnectPolicy value) {
            this.reconnect = Objects.requireNonNull(value, "reconnect");
            return this;
        }

        /** How long a request waits for its answer (10 s by default). */
        public Builder requestTimeout(Duration value) {
            this.requestTimeout = positive(value, "requestTimeout");
            return this;
        }

        /** How long a handshake may take (10 s by default). */
        public Builder connectTimeout(Duration value) {
            this.connectTimeout = positive(value, "connectTimeout");
            return this;
        }

        /** How often to send an app-level ping (25 s by default; {@link Duration#ZERO} turns it off). */
        public Builder pingInterval(Duration value) {
            Objects.requireNonNull(value, "pingInterval");
            if (value.isNegative()) {
                throw new IllegalArgumentException("pingInterval must not be negative (was " + value + ")");
            }
            this.pingInterval = value;
            return this;
        }

        public WorldWsClient build() {
            return new WorldWsClient(this);
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive (was " + value + ")");
            }
            return value;
        }
    }
}
