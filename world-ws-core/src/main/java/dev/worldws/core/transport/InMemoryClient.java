package dev.worldws.core.transport;

import dev.worldws.api.spi.Transport;
import dev.worldws.core.ConnectionHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The client end of an in-memory connection (see {@link InMemoryTransport}). Received messages wait in an inbox
 * (or go to a {@link Listener}); a bounded {@link Options#receiveWindow() receive window} models a client that
 * reads slowly: the server's sends stop completing while that many messages are unread.
 *
 * <p>Thread-safe. Frames sent from several threads reach the engine one at a time, as from a real container.
 */
public final class InMemoryClient {

    /** Receives what the server sends, instead of the inbox. Called on the server's sending thread. */
    public interface Listener {
        void onText(String text);

        void onClose(int code, String reason);
    }

    /**
     * @param receiveWindow unread messages after which the server's sends stay pending until the client reads
     * @param answerPings whether pings are answered with pongs (false models a dead peer)
     * @param listener receives messages instead of the inbox, or {@code null}
     */
    public record Options(int receiveWindow, boolean answerPings, Listener listener) {
        public Options {
            if (receiveWindow < 1) {
                throw new IllegalArgumentException("receiveWindow must be at least 1 (was " + receiveWindow + ")");
            }
        }

        public static Options defaults() {
            return new Options(Integer.MAX_VALUE, true, null);
        }

        public Options withReceiveWindow(int messages) {
            return new Options(messages, answerPings, listener);
        }

        public Options withAnswerPings(boolean answer) {
            return new Options(receiveWindow, answer, listener);
        }

        public Options withListener(Listener newListener) {
            return new Options(receiveWindow, answerPings, newListener);
        }
    }

    /** How a connection ended. */
    public record CloseStatus(int code, String reason, boolean byServer) {
    }

    private final int maxMessageBytes;
    private final Options options;
    private final String id = UUID.randomUUID().toString();
    private final LinkedBlockingQueue<String> inbox = new LinkedBlockingQueue<>();
    private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
    private final Object sendLock = new Object();
    // guarded by this
    private final ArrayDeque<CompletableFuture<Void>> pendingSends = new ArrayDeque<>();
    private int pings;
    private volatile ConnectionHandler handler;
    private final ServerSide serverSide = new ServerSide();

    InMemoryClient(int maxMessageBytes, Options options) {
        this.maxMessageBytes = maxMessageBytes;
        this.options = options;
    }

    Transport serverSide() {
        return serverSide;
    }

    void attach(ConnectionHandler connectionHandler) {
        this.handler = connectionHandler;
    }

    // ---- client to server ----

    /** Sends a text frame; a frame over the server's limit is discarded and reported as too large. */
    public void send(String text) {
        Objects.requireNonNull(text, "text");
        ConnectionHandler target = openHandler();
        synchronized (sendLock) {
            int bytes = text.length() > maxMessageBytes / 3 ? text.getBytes(StandardCharsets.UTF_8).length
                    : text.length();
            if (bytes > maxMessageBytes) {
                target.onTooLarge(bytes);
            } else {
                target.onText(text);
            }
        }
    }

    /** Sends a binary frame (which the protocol does not have). */
    public void sendBinary(byte[] data) {
        ConnectionHandler target = openHandler();
        synchronized (sendLock) {
            target.onBinary(data.length);
        }
    }

    /** Closes the connection from the client side. */
    public void close(int code, String reason) {
        if (closed.complete(new CloseStatus(code, reason, false))) {
            failPendingSends();
            ConnectionHandler target = handler;
            if (target != null) {
                target.onClose(code, reason);
            }
        }
    }

    /** Closes normally (1000). */
    public void close() {
        close(1000, "client closed");
    }

    private ConnectionHandler openHandler() {
        ConnectionHandler target = handler;
        if (target == null || closed.isDone()) {
            throw new IllegalStateException("connection " + id + " is closed");
        }
        return target;
    }

    // ---- server to client ----

    /** The next message from the server, or {@code null} if none arrives within {@code timeout}. */
    public String poll(Duration timeout) throws InterruptedException {
        String text = inbox.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (text != null) {
            releaseSends();
        }
        return text;
    }

    /** All messages received and not yet read, without waiting. */
    public List<String> drain() {
        List<String> texts = new ArrayList<>();
        inbox.drainTo(texts);
        releaseSends();
        return texts;
    }

    /** Messages received and not yet read. */
    public int unread() {
        return inbox.size();
    }

    /** Whether the connection is still open. */
    public boolean isOpen() {
        return !closed.isDone();
    }

    /** Completes when the connection closes, with the code and reason. */
    public CompletionStage<CloseStatus> closed() {
        return closed;
    }

    /** How many protocol pings the server sent. */
    public synchronized int pingsReceived() {
        return pings;
    }

    private void releaseSends() {
        List<CompletableFuture<Void>> released = new ArrayList<>();
        synchronized (this) {
            while (!pendingSends.isEmpty() && inbox.size() < options.receiveWindow()) {
                released.add(pendingSends.poll());
            }
        }
        released.forEach(future -> future.complete(null));
    }

    private void failPendingSends() {
        List<CompletableFuture<Void>> failed;
        synchronized (this) {
            failed = new ArrayList<>(pendingSends);
            pendingSends.clear();
        }
        failed.forEach(future -> future.completeExceptionally(new IllegalStateException("connection closed")));
    }

    private final class ServerSide implements Transport {
        @Override
        public String id() {
            return id;
        }

        @Override
        public CompletionStage<Void> send(String text) {
            if (closed.isDone()) {
                return CompletableFuture.failedFuture(new IllegalStateException("connection " + id + " is closed"));
            }
            Listener listener = options.listener();
            if (listener != null) {
                listener.onText(text);
                return CompletableFuture.completedFuture(null);
            }
            synchronized (InMemoryClient.this) {
                inbox.add(text);
                if (inbox.size() <= options.receiveWindow()) {
                    return CompletableFuture.completedFuture(null);
                }
                CompletableFuture<Void> pending = new CompletableFuture<>();
                pendingSends.add(pending);
                return pending;
            }
        }

        @Override
        public boolean ping() {
            if (closed.isDone()) {
                return false;
            }
            synchronized (InMemoryClient.this) {
                pings++;
            }
            if (options.answerPings()) {
                ConnectionHandler target = handler;
                if (target != null) {
                    target.onPong();
                }
            }
            return true;
        }

        @Override
        public void close(int code, String reason) {
            if (closed.complete(new CloseStatus(code, reason, true))) {
                failPendingSends();
                Listener listener = options.listener();
                if (listener != null) {
                    listener.onClose(code, reason);
                }
                ConnectionHandler target = handler;
                if (target != null) {
                    target.onClose(code, reason);
                }
            }
        }

        @Override
        public boolean isOpen() {
            return !closed.isDone();
        }
    }
}
