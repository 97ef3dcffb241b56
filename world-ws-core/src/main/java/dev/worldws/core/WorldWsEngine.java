package dev.worldws.core;

import dev.worldws.api.UserId;
import dev.worldws.api.WorldKey;
import dev.worldws.api.spi.EventBus;
import dev.worldws.api.spi.Handshake;
import dev.worldws.api.spi.Transport;
import dev.worldws.api.spi.WorldStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The transport-independent heart of a world-ws server: authenticates connections, owns one runtime per user
 * world, routes events, enforces limits, runs heartbeats and cleans up. A transport adapter (Jakarta WebSocket,
 * in-memory) calls {@link #authenticate} at the handshake, {@link #open} when the connection opens, then feeds the
 * returned {@link ConnectionHandler}.
 *
 * <p>Thread-safe. No method blocks on I/O.
 */
public interface WorldWsEngine extends AutoCloseable {

    /** A builder whose defaults run offline: built-in responder, anonymous users, in-process bus. */
    static WorldWsEngineBuilder builder() {
        return new WorldWsEngineBuilder();
    }

    /**
     * Whether {@code user} has the form of the ids engines give anonymous users ({@code anon-} and a random UUID):
     * the users whose worlds are deleted after they leave. For a store that treats such short-lived worlds
     * differently, e.g. {@code WorldStores.files(dir, clock, durability, WorldWsEngine::isAnonymousId)}.
     */
    static boolean isAnonymousId(UserId user) {
        return DefaultEngine.isAnonymousId(user);
    }

    /**
     * Decides who a handshake belongs to, through the configured authenticator; an anonymous handshake that
     * carries a valid {@code resumeToken} query parameter gets its previous anonymous id back.
     *
     * @throws dev.worldws.api.AuthenticationException if the credential is refused; its message says why
     */
    Principal authenticate(Handshake handshake);

    /** Registers an open connection and sends it {@code connected}. */
    ConnectionHandler open(Transport transport, Principal principal);

    /** The largest inbound text frame accepted, in bytes (adapters configure their containers with it). */
    int maxMessageBytes();

    /** A consistent snapshot of the engine's counters. */
    EngineStats stats();

    /** The store the engine reads and writes worlds through (for REST views). */
    WorldStore store();

    /** The event bus the engine publishes world events on. */
    EventBus eventBus();

    /** A snapshot of the open connection with this client id. */
    Optional<ClientConnection> connection(String clientId);

    /** Snapshots of the connections that have selected this world (empty if it is not loaded). */
    List<ClientConnection> connections(WorldKey world);

    /** Snapshots of all open connections. */
    List<ClientConnection> connections();

    /**
     * Shuts down gracefully: refuses new connections, tells every client {@code status server_shutdown}, lets
     * in-flight requests and agent replies finish, saves every loaded world and closes connections with 1001.
     * {@code grace} is an upper bound: connections close as soon as nothing is in flight (at once if nothing is),
     * and at the latest when it has passed. A stopped engine deletes no anonymous user: the next engine on the
     * same store adopts them ({@link WorldWsEngineBuilder#reclaimAnonymousUsers}).
     */
    CompletionStage<Void> shutdown(Duration grace);

    /** Same as {@code shutdown(Duration.ZERO)}, waiting for it to finish. */
    @Override
    void close();
}
