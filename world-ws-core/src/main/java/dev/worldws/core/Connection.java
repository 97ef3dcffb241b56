package dev.worldws.core;

import dev.worldws.api.WorldKey;
import dev.worldws.api.event.WorldEvent;
import dev.worldws.api.protocol.ClientMessage;
import dev.worldws.api.protocol.CloseCodes;
import dev.worldws.api.protocol.ErrorCode;
import dev.worldws.api.protocol.ErrorPayload;
import dev.worldws.api.protocol.EventSubscribe;
import dev.worldws.api.protocol.ServerMessage;
import dev.worldws.api.protocol.ServerPayload;
import dev.worldws.api.spi.Transport;
import dev.worldws.core.protocol.ProtocolException;
import dev.worldws.core.protocol.Utf8;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The core's side of one connection: checks and decodes inbound frames on the transport thread (cheap work only),
 * hands requests to the engine in order, and owns the outbound queue with exactly one send in flight.
 */
final class Connection implements ConnectionHandler {
    private static final System.Logger LOG = System.getLogger(Connection.class.getName());

    final DefaultEngine engine;
    final Transport transport;
    final Principal principal;
    final String clientId;
    final Instant connectedAt;
    final String resumeToken;

    private final TokenBucket bucket;
    private int rejectedInARow;
    /**
     * When the last rate-limited frames arrived (engine clock millis), a ring of maxRejectedInWindow entries; created
     * at the first rejection, since most connections never have one (idle ones would each hold it for nothing).
     */
    private long[] rejectionTimes;
    private int rejectionCount;
    /** Requests of this connection, handled one after another (each may complete asynchronously). */
    final AsyncSerialQueue requests;

    volatile long lastSeenMillis;
    volatile long lastPingMillis;
    private final AtomicBoolean cleanedUp = new AtomicBoolean();

    private final AtomicLong messagesIn = new AtomicLong();
    private final AtomicLong messagesOut = new AtomicLong();
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong bytesOut = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();

    // delivery state, guarded by this
    private WorldKey world;
    private WorldRuntime runtime;
    private boolean persistent = true;
    private boolean attaching;
    private final List<Object[]> attachBuffer = new ArrayList<>();
    private long lastSeq;
    private volatile EventFilter filter = EventFilter.ALL;

    /** Frames and UTF-8 bytes handed to the transport in one send at most (a single larger frame goes alone). */
    static final int MAX_BATCH_FRAMES = 128;
    static final long MAX_BATCH_BYTES = 64 * 1024;

    // outbound state, guarded by outbound
    private final Object outbound = new Object();
    private final ArrayDeque<Frame> queue = new ArrayDeque<>();
    private long queuedBytes;
    private boolean inFlight;
    private boolean outboundClosed;
    /** A close waiting for the queue to drain (so the client sees why it is closed), or null. */
    private Object[] closeAfterFlush;
    private volatile boolean closing;

    Connection(DefaultEngine engine, Transport transport, Principal principal, String clientId, String resumeToken) {
        this.engine = engine;
        this.transport = transport;
        this.principal = principal;
        this.clientId = clientId;
        this.resumeToken = resumeToken;
        long now = engine.clock.millis();
        this.connectedAt = engine.clock.instant();
        this.lastSeenMillis = now;
        this.lastPingMillis = now;
        this.bucket = new TokenBucket(engine.limits.ratePerSecond(), engine.limits.rateBurst(), now);
        this.requests = new AsyncSerialQueue(engine.executor, engine.limits.maxPendingRequests());
    }

    // ---- inbound (transport thread, one call at a time per connection) ----

    @Override
    public void onText(String text) {
        if (cleanedUp.get() || closing) {
            return;
        }
        int bytes = Utf8.length(text);
        countIn(bytes);
        if (bytes > engine.limits.maxMessageBytes()) {
            onTooLarge(bytes);
            return;
        }
        ClientMessage message;
        try {
            message = engine.codec.decode(text);
        } catch (ProtocolException e) {
            if (admit(e.requestId())) {
                rejected.incrementAndGet();
                sendError(e.requestId(), e.errorCode(), e.getMessage(), e.details());
            }
            return;
        }
        if (!admit(message.id())) {
            return;
        }
        engine.dispatch(this, message);
    }

    /** Applies the rate limit; false (after answering or closing) if the frame must be dropped. */
    private boolean admit(String requestId) {
        long now = engine.clock.millis();
        if (bucket.tryTake(now)) {
            rejectedInARow = 0;
            return true;
        }
        rejected.incrementAndGet();
        if (++rejectedInARow >= engine.limits.maxRejectedInARow() || windowFull(now)) {
            closeAfterFlush(CloseCodes.POLICY_VIOLATION, "rate limit exceeded repeatedly");
        } else {
            sendError(requestId, ErrorCode.RATE_LIMITED, "rate limit of " + engine.limits.ratePerSecond()
                    + " messages per second (burst " + engine.limits.rateBurst() + ") exceeded; message dropped",
                    Map.of());
        }
        return false;
    }

    /** Records a rejection at {@code now}; true if the window now holds maxRejectedInWindow of them. */
    private boolean windowFull(long now) {
        if (rejectionTimes == null) {
            rejectionTimes = new long[engine.limits.maxRejectedInWindow()];
        }
        int size = rejectionTimes.length;
        int slot = rejectionCount % size;
        rejectionTimes[slot] = now;
        rejectionCount++;
        if (rejectionCount >= 2 * size) {
            rejectionCount -= size; // same slots, no overflow however long the connection lives
        }
        if (rejectionCount < size) {
            return false;
        }
        long oldest = rejectionTimes[rejectionCount % size];
        return now - oldest < engine.limits.rejectionWindow().toMillis();
    }

    @Override
    public void onBinary(int length) {
        if (cleanedUp.get() || closing) {
            return;
        }
        countIn(length);
        rejected.incrementAndGet();
        if (admit(null)) {
            sendError(null, ErrorCode.UNSUPPORTED_FRAME, "binary frames are not part of the protocol; send JSON text",
                    Map.of("length", length));
        }
    }

    @Override
    public void onTooLarge(long length) {
        if (cleanedUp.get() || closing) {
            return;
        }
        lastSeenMillis = engine.clock.millis();
        rejected.incrementAndGet();
        if (admit(null)) {
            sendError(null, ErrorCode.MESSAGE_TOO_LARGE, "frame of " + length + " bytes exceeds the limit of "
                    + engine.limits.maxMessageBytes() + " bytes; message dropped",
                    Map.of("limit", engine.limits.maxMessageBytes(), "length", length));
        }
    }

    @Override
    public void onPong() {
        lastSeenMillis = engine.clock.millis();
    }

    @Override
    public void onClose(int code, String reason) {
        engine.cleanup(this);
    }

    private void countIn(int bytes) {
        lastSeenMillis = engine.clock.millis();
        messagesIn.incrementAndGet();
        bytesIn.addAndGet(bytes);
        engine.messagesIn.increment();
        engine.bytesIn.add(bytes);
    }

    boolean markCleanedUp() {
        return cleanedUp.compareAndSet(false, true);
    }

    /** False once closing began: requests already queued then are dropped, as later inbound frames are. */
    boolean isOpen() {
        return !cleanedUp.get() && !closing;
    }

    // ---- world membership and delivery ----

    /**
     * Starts receiving {@code runtime}'s events into a buffer until {@link #endAttach}; false if the connection has
     * already closed (checked under the lock that {@link #detach} takes, so a close never misses an attach).
     */
    synchronized boolean beginAttach(WorldRuntime target, boolean isPersistent) {
        if (cleanedUp.get()) {
            return false;
        }
        world = target.key;
        runtime = target;
        persistent = isPersistent;
        attaching = true;
        attachBuffer.clear();
        lastSeq = 0;
        return true;
    }

    /** Sends the buffered events after {@code sentUpTo} and switches to live delivery. */
    synchronized void endAttach(WorldRuntime target, long sentUpTo) {
        if (runtime != target) {
            return;
        }
        lastSeq = Math.max(lastSeq, sentUpTo);
        for (Object[] pending : attachBuffer) {
            WorldEvent event = (WorldEvent) pending[0];
            if (event.seq() > lastSeq) {
                enqueue((Frame) pending[1]);
                lastSeq = event.seq();
            }
        }
        attachBuffer.clear();
        attaching = false;
    }

    /** Sends a replayed event during attach (in order, before the buffered live ones). */
    synchronized void replay(WorldRuntime target, WorldEvent event, Frame frame) {
        if (runtime == target && event.seq() > lastSeq) {
            if (filter.accepts(event)) {
                enqueue(frame);
            }
            lastSeq = event.seq();
        }
    }

    /** Called by the world's single bus subscription, in seq order. */
    synchronized void deliver(WorldRuntime source, WorldEvent event, Frame frame) {
        if (runtime != source) {
            return;
        }
        if (attaching) {
            if (filter.accepts(event)) {
                attachBuffer.add(new Object[] {event, frame});
            }
            return;
        }
        if (event.seq() <= lastSeq) {
            return;
        }
        lastSeq = event.seq();
        if (filter.accepts(event)) {
            enqueue(frame);
        }
    }

    /** Leaves the current world; returns it, or null. */
    synchronized WorldRuntime detach() {
        WorldRuntime left = runtime;
        runtime = null;
        world = null;
        attaching = false;
        attachBuffer.clear();
        return left;
    }

    synchronized WorldRuntime runtime() {
        return runtime;
    }

    synchronized WorldKey world() {
        return world;
    }

    synchronized boolean persistent() {
        return persistent;
    }

    EventFilter filter() {
        return filter;
    }

    void filter(EventFilter newFilter) {
        filter = newFilter;
    }

    // ---- outbound: bounded queue, one send in flight ----

    void send(String replyTo, ServerPayload payload) {
        send(new ServerMessage(replyTo, null, engine.clock.instant(), payload));
    }

    void send(ServerMessage message) {
        enqueue(Frame.of(engine.codec.encode(message), message.seq() == null ? 0 : message.seq()));
    }

    void sendError(String replyTo, ErrorCode code, String message, Map<String, Object> details) {
        engine.errors.increment();
        send(replyTo, new ErrorPayload(code.code(), message, details));
    }

    void enqueue(Frame frame) {
        boolean overflow = false;
        synchronized (outbound) {
            if (outboundClosed || closeAfterFlush != null) {
                return;
            }
            if (queue.size() >= engine.limits.maxQueuedMessages()
                    || queuedBytes + frame.bytes() > engine.limits.maxQueuedBytes()) {
                overflow = true;
                outboundClosed = true;
                long dropped = queue.size() + 1;
                engine.dropped.add(dropped);
                queue.clear();
            } else {
                queue.add(frame);
                queuedBytes += frame.bytes();
                if (inFlight) {
                    return;
                }
                inFlight = true;
            }
        }
        if (!overflow && OutboundBatch.defer(this)) {
            return; // sent with the frames that follow it in this actor turn
        }
        if (overflow) {
            LOG.log(Level.INFO, "closing slow consumer {0}: outbound queue full", clientId);
            // often called while delivering a world event: close on the engine's pool, not on the bus thread
            Runnable closeSlow = () -> close(CloseCodes.SLOW_CONSUMER, "outbound queue overflow: client reads too slowly");
            try {
                engine.executor.execute(closeSlow);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                closeSlow.run();
            }
            return;
        }
        pump();
    }

    /** Starts the send that an {@link OutboundBatch} took over in {@link #enqueue}. */
    void sendDeferred() {
        pump();
    }

    /**
     * Sends what is queued, several frames per send when several wait; loops while sends complete synchronously, so
     * the stack stays flat. Called only by the holder of {@code inFlight}.
     */
    private void pump() {
        while (true) {
            Frame[] batch;
            Object[] pendingClose = null;
            synchronized (outbound) {
                batch = queue.isEmpty() || outboundClosed ? null : nextBatch();
                if (batch == null) {
                    inFlight = false;
                    if (queue.isEmpty() && closeAfterFlush != null && !outboundClosed) {
                        pendingClose = closeAfterFlush;
                        outboundClosed = true;
                    }
                }
            }
            if (pendingClose != null) {
                close((Integer) pendingClose[0], (String) pendingClose[1]);
                return;
            }
            if (batch == null) {
                return;
            }
            SendCompletion completion = new SendCompletion(batch);
            CompletionStage<Void> sent;
            try {
                sent = batch.length == 1 ? transport.send(batch[0].text()) : transport.sendAll(texts(batch));
            } catch (RuntimeException e) {
                completion.accept(null, e);
                return;
            }
            sent.whenComplete(completion);
            if (!completion.returnedBeforeCompletion()) {
                continue;
            }
            return;
        }
    }

    /** The frames at the head of the queue that go out in one send (they stay queued until it completes). */
    private Frame[] nextBatch() {
        Frame[] batch = new Frame[Math.min(queue.size(), MAX_BATCH_FRAMES)];
        int count = 0;
        long bytes = 0;
        for (Frame frame : queue) {
            if (count == batch.length || (count > 0 && bytes + frame.bytes() > MAX_BATCH_BYTES)) {
                break;
            }
            batch[count++] = frame;
            bytes += frame.bytes();
        }
        return count == batch.length ? batch : java.util.Arrays.copyOf(batch, count);
    }

    private static List<String> texts(Frame[] batch) {
        String[] texts = new String[batch.length];
        for (int i = 0; i < batch.length; i++) {
            texts[i] = batch[i].text();
        }
        return java.util.Arrays.asList(texts);
    }

    private final class SendCompletion implements BiConsumer<Void, Throwable> {
        private final Frame[] batch;
        private boolean completed;
        private boolean returned;

        SendCompletion(Frame[] batch) {
            this.batch = batch;
        }

        @Override
        public void accept(Void ignored, Throwable failure) {
            long bytes = 0;
            synchronized (outbound) {
                for (Frame frame : batch) {
                    if (queue.peek() == frame) {
                        queue.poll();
                        queuedBytes -= frame.bytes();
                    }
                    bytes += frame.bytes();
                }
            }
            if (failure != null) {
                synchronized (outbound) {
                    outboundClosed = true;
                    engine.dropped.add(queue.size());
                    queue.clear();
                    queuedBytes = 0;
                    inFlight = false;
                }
                // the socket may still be open (a write timed out, say): close it, or it would stay open with
                // every inbound frame ignored and no heartbeat watching it
                close(CloseCodes.INTERNAL_ERROR, "send failed");
                return;
            }
            messagesOut.addAndGet(batch.length);
            bytesOut.addAndGet(bytes);
            engine.messagesOut.add(batch.length);
            engine.bytesOut.add(bytes);
            boolean continueHere;
            synchronized (this) {
                completed = true;
                continueHere = returned;
            }
            if (continueHere) {
                pump();
            }
        }

        /** True if the send is still pending: the completion will call pump() itself. */
        synchronized boolean returnedBeforeCompletion() {
            if (completed) {
                return false;
            }
            returned = true;
            return true;
        }
    }

    long queuedBytes() {
        synchronized (outbound) {
            return queuedBytes;
        }
    }

    /**
     * Closes once what is already queued has been sent (so the client learns why, for example from a
     * {@code rate_limited} error or a {@code server_shutdown} status); frames queued later are dropped, and inbound
     * frames are ignored. If the queue does not drain within {@code FLUSH_TIMEOUT}, closes anyway.
     */
    void closeAfterFlush(int code, String reason) {
        closing = true;
        boolean now;
        synchronized (outbound) {
            if (outboundClosed || closeAfterFlush != null) {
                return;
            }
            closeAfterFlush = new Object[] {code, reason};
            now = !inFlight && queue.isEmpty();
            if (now) {
                outboundClosed = true;
            }
        }
        if (now) {
            close(code, reason);
            return;
        }
        try {
            engine.scheduler.schedule(() -> close(code, reason), FLUSH_TIMEOUT_MILLIS,
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            close(code, reason);
        }
    }

    private static final long FLUSH_TIMEOUT_MILLIS = 5000;

    /** Closes the transport (the adapter will call onClose, which cleans up; cleanup is idempotent). */
    void close(int code, String reason) {
        closeTransport(code, reason);
        engine.cleanup(this);
    }

    private void closeTransport(int code, String reason) {
        try {
            transport.close(code, reason);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "closing transport " + clientId + " failed", e);
        }
    }

    void shutdownOutbound() {
        synchronized (outbound) {
            outboundClosed = true;
            queue.clear();
            queuedBytes = 0;
        }
    }

    ClientConnection snapshot() {
        WorldKey selected;
        boolean isPersistent;
        synchronized (this) {
            selected = world;
            isPersistent = persistent;
        }
        EventFilter current = filter;
        return new ClientConnection(clientId, principal.userId(), principal.anonymous(), selected, isPersistent,
                current.eventTypes() == null ? EventSubscribe.EVENT_TYPES : current.eventTypes(),
                current.agents() == null ? Set.of() : current.agents(), current.chatId(), connectedAt,
                messagesIn.get(), messagesOut.get(), bytesIn.get(), bytesOut.get(), queuedBytes(), rejected.get());
    }
}
