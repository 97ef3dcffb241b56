package dev.worldws.core;

import dev.worldws.api.spi.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A transport that keeps what the core sent and how it closed; sends complete at once, or fail when told to. */
final class RecordingTransport implements Transport {
    private final String id = UUID.randomUUID().toString();
    private final List<String> sent = new ArrayList<>();
    /** How the sent texts were handed over: one entry per send or sendAll call. */
    private final List<List<String>> writes = new ArrayList<>();
    private int failNextSends;
    private boolean holding;
    private final List<CompletableFuture<Void>> held = new ArrayList<>();
    private Integer closeCode;
    private String closeReason;

    /** The next {@code count} sends fail (as a broken pipe would). */
    synchronized RecordingTransport failNextSends(int count) {
        failNextSends = count;
        return this;
    }

    /** Sends from now on stay pending (a slow network) until {@link #releaseHeldSends}. */
    synchronized RecordingTransport holdSends() {
        holding = true;
        return this;
    }

    /** Completes the held sends and sends normally again. */
    void releaseHeldSends() {
        List<CompletableFuture<Void>> release;
        synchronized (this) {
            holding = false;
            release = List.copyOf(held);
            held.clear();
        }
        release.forEach(send -> send.complete(null));
    }

    synchronized List<String> sent() {
        return List.copyOf(sent);
    }

    synchronized List<List<String>> writes() {
        return List.copyOf(writes);
    }

    synchronized Integer closeCode() {
        return closeCode;
    }

    synchronized String closeReason() {
        return closeReason;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public synchronized CompletionStage<Void> send(String text) {
        return write(List.of(text));
    }

    /** Takes the texts as one write, the way a socket adapter would. */
    @Override
    public synchronized CompletionStage<Void> sendAll(List<String> texts) {
        return write(List.copyOf(texts));
    }

    private CompletionStage<Void> write(List<String> texts) {
        if (closeCode != null) {
            return CompletableFuture.failedFuture(new IllegalStateException("closed"));
        }
        if (failNextSends > 0) {
            failNextSends--;
            return CompletableFuture.failedFuture(new java.io.IOException("broken pipe"));
        }
        sent.addAll(texts);
        writes.add(texts);
        if (holding) {
            CompletableFuture<Void> pending = new CompletableFuture<>();
            held.add(pending);
            return pending;
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized void close(int code, String reason) {
        if (closeCode == null) {
            closeCode = code;
            closeReason = reason;
        }
    }

    @Override
    public synchronized boolean isOpen() {
        return closeCode == null;
    }
}
