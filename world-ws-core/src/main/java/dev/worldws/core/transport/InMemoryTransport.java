package dev.worldws.core.transport;

import dev.worldws.api.spi.Handshake;
import dev.worldws.core.ConnectionHandler;
import dev.worldws.core.Principal;
import dev.worldws.core.WorldWsEngine;
import java.util.Objects;

/**
 * Connects in-process clients to a {@link WorldWsEngine} without sockets: the transport for tests, demos and
 * embedding. Behaves like a WebSocket container: it authenticates at "handshake", enforces
 * {@link WorldWsEngine#maxMessageBytes()} on inbound frames, answers pings, and reports closes to the engine.
 */
public final class InMemoryTransport {
    private InMemoryTransport() {}

    /** Connects an anonymous client with an empty handshake. */
    public static InMemoryClient connect(WorldWsEngine engine) {
        return connect(engine, Handshake.empty(), InMemoryClient.Options.defaults());
    }

    /** Connects a client presenting {@code handshake}. */
    public static InMemoryClient connect(WorldWsEngine engine, Handshake handshake) {
        return connect(engine, handshake, InMemoryClient.Options.defaults());
    }

    /**
     * Connects a client.
     *
     * @throws dev.worldws.api.AuthenticationException if the engine refuses the handshake (nothing is opened)
     */
    public static InMemoryClient connect(WorldWsEngine engine, Handshake handshake, InMemoryClient.Options options) {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(handshake, "handshake");
        Objects.requireNonNull(options, "options");
        Principal principal = engine.authenticate(handshake);
        InMemoryClient client = new InMemoryClient(engine.maxMessageBytes(), options);
        ConnectionHandler handler = engine.open(client.serverSide(), principal);
        client.attach(handler);
        return client;
    }
}
