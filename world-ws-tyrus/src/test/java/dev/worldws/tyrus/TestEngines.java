package dev.worldws.tyrus;

import dev.worldws.api.spi.Authenticator;
import dev.worldws.core.WorldWsEngine;

/** Test engines for adapter tests in other packages. */
public final class TestEngines {
    private TestEngines() {}

    /** An engine that says {@code connected <user>} and echoes text as {@code echo <text>}. */
    public static WorldWsEngine echo(Authenticator authenticator, int maxMessageBytes) {
        return new EchoEngine(authenticator, maxMessageBytes);
    }

    /** Opens connections with {@code opener} (everything else as the echo engine). */
    public static WorldWsEngine silent(Authenticator authenticator,
            java.util.function.BiFunction<dev.worldws.api.spi.Transport, dev.worldws.core.Principal,
                    dev.worldws.core.ConnectionHandler> opener) {
        return new EchoEngine(authenticator, 64 * 1024) {
            @Override
            public dev.worldws.core.ConnectionHandler open(dev.worldws.api.spi.Transport transport,
                    dev.worldws.core.Principal principal) {
                return opener.apply(transport, principal);
            }
        };
    }

    /** Completes with the grace period when {@code engine} (an {@link #echo} engine) is asked to shut down. */
    public static java.util.concurrent.CompletableFuture<java.time.Duration> shutdownCalled(WorldWsEngine engine) {
        return ((EchoEngine) engine).shutdownCalled;
    }
}
