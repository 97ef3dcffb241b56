package dev.worldws.bench;

import dev.worldws.api.spi.Transport;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;

/**
 * An in-memory transport for the benchmarks: every send completes at once (so only the engine's own work is
 * measured, no client queue), {@code world_selected} counts down the latch the setup waits on, and every frame goes
 * to {@link #onFrame}, on the engine's thread that sent it.
 */
abstract class ImmediateTransport implements Transport {
    private final String id = UUID.randomUUID().toString();
    private final CountDownLatch selected;

    ImmediateTransport(CountDownLatch selected) {
        this.selected = selected;
    }

    /** Called for every frame sent to this connection; must not block. */
    abstract void onFrame(String text);

    @Override
    public String id() {
        return id;
    }

    @Override
    public CompletionStage<Void> send(String text) {
        onFrame(text);
        if (text.startsWith("{\"type\":\"world_selected\"")) {
            selected.countDown();
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close(int code, String reason) {
        // in memory: nothing to close
    }

    @Override
    public boolean isOpen() {
        return true;
    }
}
