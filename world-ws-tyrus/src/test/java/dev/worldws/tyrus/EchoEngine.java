package dev.worldws.tyrus;

import dev.worldws.api.UserId;
import dev.worldws.api.WorldKey;
import dev.worldws.api.spi.EventBus;
import dev.worldws.api.spi.Authenticator;
import dev.worldws.api.spi.Handshake;
import dev.worldws.api.spi.Identity;
import dev.worldws.api.spi.Transport;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.core.ClientConnection;
import dev.worldws.core.ConnectionHandler;
import dev.worldws.core.EngineStats;
import dev.worldws.core.Principal;
import dev.worldws.core.WorldWsEngine;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A tiny engine for adapter tests: says {@code connected}, echoes text, reports what the adapter told it. It lets
 * the endpoint, transport and server be tested without the real core.
 */
class EchoEngine implements WorldWsEngine {
    final BlockingQueue<String> reports = new LinkedBlockingQueue<>();
    final Map<String, Transport> transports = new ConcurrentHashMap<>();
    final CompletableFuture<Duration> shutdownCalled = new CompletableFuture<>();
    private final Authenticator authenticator;
    private final int maxMessageBytes;

    EchoEngine(Authenticator authenticator, int maxMessageBytes) {
        this.authenticator = authenticator;
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public Principal authenticate(Handshake handshake) {
        Identity identity = authenticator.authenticate(handshake);
        reports.add("handshake from " + handshake.remoteAddress());
        return identity.userId().map(id -> new Principal(id, false))
                .orElseGet(() -> new Principal(UserId.of("anon-" + UUID.randomUUID()), true));
    }

    @Override
    public ConnectionHandler open(Transport transport, Principal principal) {
        transports.put(transport.id(), transport);
        transport.send("connected " + principal.userId().value());
        return new ConnectionHandler() {
            @Override
            public void onText(String text) {
                if (text.equals("ping-me")) {
                    transport.send("pinged " + transport.ping());
                    return;
                }
                transport.send("echo " + text);
            }

            @Override
            public void onBinary(int length) {
                reports.add("binary " + length);
                transport.send("binary refused");
            }

            @Override
            public void onTooLarge(long length) {
                reports.add("too large " + length);
                transport.send("too large");
            }

            @Override
            public void onPong() {
                reports.add("pong");
            }

            @Override
            public void onClose(int code, String reason) {
                transports.remove(transport.id());
                reports.add("closed " + code);
            }
        };
    }

    @Override
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    @Override
    public EngineStats stats() {
        return new EngineStats(transports.size(), 0, 0, 0, 0, 0, 0, 0, 0);
    }

    @Override
    public WorldStore store() {
        throw new UnsupportedOperationException("no store in the echo engine");
    }

    @Override
    public EventBus eventBus() {
        throw new UnsupportedOperationException("no bus in the echo engine");
    }

    @Override
    public Optional<ClientConnection> connection(String clientId) {
        return Optional.empty();
    }

    @Override
    public List<ClientConnection> connections(WorldKey world) {
        return List.of();
    }

    @Override
    public List<ClientConnection> connections() {
        return List.of();
    }

    @Override
    public CompletionStage<Void> shutdown(Duration grace) {
        shutdownCalled.complete(grace);
        // like the real engine: done once every goodbye is out and every connection closed
        CompletableFuture<?>[] closes = transports.values().stream()
                .map(t -> t.send("bye").handle((sent, failure) -> {
                    t.close(1001, "server shutting down");
                    return null;
                }).toCompletableFuture())
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(closes);
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }
}
