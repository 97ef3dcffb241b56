package dev.worldws.tyrus;

import dev.worldws.api.spi.Transport;
import dev.worldws.core.protocol.Utf8;
import jakarta.websocket.CloseReason;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Transport} over a Jakarta WebSocket {@link Session}.
 *
 * <p>Exactly one asynchronous text send is in flight at a time: Tomcat fails on overlapping sends
 * ({@code TEXT_FULL_WRITING}), and no container pushes back on its own, so further sends wait in a queue here and
 * go out one by one as each {@link jakarta.websocket.SendHandler} fires. {@link #queuedBytes()} counts the UTF-8
 * bytes accepted but not yet written, exactly. The core already keeps one send outstanding; this queue keeps the
 * adapter correct for any caller.
 *
 * <p>On Tyrus the frames are built here and written straight to the connection's writer ({@link TextFrameWriter}):
 * the text of one event, sent to every connection of a world, is encoded and framed once per thread instead of
 * once per connection, and the frames of one {@link #sendAll} leave in one socket write. Elsewhere, or if Tyrus's
 * internals change, {@code sendText} is used, once per message.
 *
 * <p>Thread-safe; {@link #send} never blocks and never throws.
 */
final class SessionTransport implements Transport {
    private static final System.Logger LOG = System.getLogger(SessionTransport.class.getName());
    private static final int MAX_REASON_BYTES = 123;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    /** Marks the thread that is currently draining the queue, so completions that fire inline do not recurse. */
    private static final ThreadLocal<Boolean> DRAINING = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private final Session session;
    private final Object lock = new Object();
    private final Queue<PendingSend> queue = new ArrayDeque<>(); // guarded by lock
    private boolean sending; // guarded by lock
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String clientId;
    /** Writes frames built here when Tyrus allows it, else null: {@code sendText} (see {@link TextFrameWriter}). */
    private final TextFrameWriter frames;

    SessionTransport(Session session) {
        this.session = session;
        this.frames = TextFrameWriter.of(session);
    }

    /** Whether this connection's frames are built here and written directly rather than by Tyrus's sendText. */
    boolean writesFramesDirectly() {
        return frames != null;
    }

    /** The container's session id: unique per session (Jakarta WebSocket), so no second id per connection. */
    @Override
    public String id() {
        return session.getId();
    }

    /**
     * The engine's client id for this connection, read from its {@code connected} message, so that log lines
     * carry the id clients see; this transport's own id until then.
     */
    String clientId() {
        String known = clientId;
        return known == null ? id() : known;
    }

    private void noteClientId(String text) {
        if (clientId == null && text.startsWith("{\"type\":\"connected\"")) {
            int key = text.indexOf("\"clientId\":\"");
            if (key >= 0) {
                int start = key + 12;
                int end = text.indexOf('"', start);
                if (end > start && end - start <= 64) {
                    clientId = text.substring(start, end);
                }
            }
        }
    }

    /** UTF-8 bytes accepted by {@link #send} whose write has not completed yet. */
    long queuedBytes() {
        return queuedBytes.get();
    }

    @Override
    public CompletionStage<Void> send(String text) {
        if (text == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("text must not be null"));
        }
        return enqueue(List.of(text));
    }

    /** Writes all of {@code texts} in one socket write when frames are built here; else one {@code sendText} each. */
    @Override
    public CompletionStage<Void> sendAll(List<String> texts) {
        List<String> copy;
        try {
            copy = List.copyOf(texts);
        } catch (NullPointerException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("texts must not be or hold null"));
        }
        if (copy.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("texts must not be empty"));
        }
        return enqueue(copy);
    }

    private CompletionStage<Void> enqueue(List<String> texts) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        if (!isOpen()) {
            result.completeExceptionally(new IOException("connection " + id() + " is closed"));
            return result;
        }
        noteClientId(texts.get(0));
        int bytes = 0;
        for (String text : texts) {
            bytes += Utf8.length(text);
        }
        PendingSend pending = new PendingSend(texts, bytes, result);
        queuedBytes.addAndGet(pending.bytes);
        synchronized (lock) {
            queue.add(pending);
        }
        drain();
        return result;
    }

    private void drain() {
        if (DRAINING.get()) {
            return; // the loop further up this thread's stack picks the new work up
        }
        DRAINING.set(Boolean.TRUE);
        try {
            while (true) {
                PendingSend next;
                synchronized (lock) {
                    if (sending || queue.isEmpty()) {
                        return;
                    }
                    next = queue.poll();
                    sending = true;
                }
                write(next);
            }
        } finally {
            DRAINING.set(Boolean.FALSE);
        }
    }

    private void write(PendingSend pending) {
        if (!session.isOpen()) {
            finished(pending, new IOException("connection " + id() + " is closed"));
            return;
        }
        if (frames != null) {
            frames.write(pending.texts, failure -> finished(pending, failure));
            return;
        }
        sendText(pending, 0);
    }

    /** Sends {@code pending}'s texts from {@code index} on, each once the one before it was written. */
    private void sendText(PendingSend pending, int index) {
        try {
            session.getAsyncRemote().sendText(pending.texts.get(index), (SendResult result) -> {
                if (!result.isOK()) {
                    finished(pending, result.getException());
                } else if (index + 1 < pending.texts.size()) {
                    sendText(pending, index + 1);
                } else {
                    finished(pending, null);
                }
            });
        } catch (RuntimeException e) {
            // IllegalStateException when the session closed in between; a send must never throw
            finished(pending, e);
        }
    }

    private void finished(PendingSend pending, Throwable failure) {
        queuedBytes.addAndGet(-pending.bytes);
        synchronized (lock) {
            sending = false;
        }
        if (failure == null) {
            pending.result.complete(null);
        } else {
            pending.result.completeExceptionally(failure);
        }
        drain();
    }

    @Override
    public boolean ping() {
        if (!isOpen()) {
            return false;
        }
        try {
            session.getAsyncRemote().sendPing(EMPTY.duplicate());
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "ping on " + id() + " failed: " + e);
            return false;
        }
    }

    @Override
    public void close(int code, String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        failQueued();
        if (!session.isOpen()) {
            return;
        }
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), truncate(reason)));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "closing " + id() + " failed: " + e);
        }
    }

    /** Called by the endpoint when the container reports the close, whoever started it. */
    void closedByContainer() {
        if (closed.compareAndSet(false, true)) {
            failQueued();
        }
    }

    private void failQueued() {
        List<PendingSend> dropped;
        synchronized (lock) {
            dropped = new ArrayList<>(queue);
            queue.clear();
        }
        for (PendingSend pending : dropped) {
            queuedBytes.addAndGet(-pending.bytes);
            pending.result.completeExceptionally(new IOException("connection " + id() + " closed before the send"));
        }
    }

    @Override
    public boolean isOpen() {
        return !closed.get() && session.isOpen();
    }

    static String truncate(String reason) {
        if (reason == null) {
            return "";
        }
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_REASON_BYTES) {
            return reason;
        }
        int end = reason.length();
        while (end > 0 && reason.substring(0, end).getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES) {
            end--;
        }
        if (end > 0 && Character.isHighSurrogate(reason.charAt(end - 1))) {
            end--;
        }
        return reason.substring(0, end);
    }

    @Override
    public String toString() {
        return "SessionTransport[" + id() + "]";
    }

    private record PendingSend(List<String> texts, int bytes, CompletableFuture<Void> result) {}
}
