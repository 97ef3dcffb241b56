package dev.worldws.tyrus;

import jakarta.websocket.Session;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.glassfish.tyrus.core.ProtocolHandler;
import org.glassfish.tyrus.core.TyrusRemoteEndpoint;
import org.glassfish.tyrus.core.TyrusWebSocket;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;

/**
 * Writes whole server text frames straight to the writer of a Tyrus connection, with the frame built here.
 *
 * <p>Why: Tyrus's {@code sendText} encodes the text to UTF-8 with a new encoder, copies it into a frame and copies
 * that again for every connection; one event of a world goes to every connection of its user, so the same text was
 * encoded and framed once per connection (the largest allocation under chat load after the file store, and the
 * serial work that set the fan-out latency). Here the frame of a text is built once on a thread and reused for the
 * next connections that send the same text on it, in a buffer that the thread builds its next frames in once the
 * writer is done with it. The bytes are those Tyrus would write: one final, unmasked text
 * frame (the server never masks), written through the same writer as Tyrus's own frames, which keeps them in order.
 *
 * <p>Tyrus offers no public way to reach a session's writer, so three of its private fields are read through
 * {@link VarHandle}s; on a Tyrus without them, in another container, or when an extension was negotiated (it might
 * transform frames, which Tyrus would then have to do), {@link #of} gives null and the caller uses
 * {@code sendText}. Thread-safe.
 */
final class TextFrameWriter {
    private static final System.Logger LOG = System.getLogger(TextFrameWriter.class.getName());
    /**
     * Frames up to this size are built in a buffer each thread keeps and reuses once its writes are done (a chat
     * message's whole burst is about 11 KiB; a new array per write was about an eighth of the server's allocation
     * under chat, and so of its young collections); larger ones are built in a new array each time, so that no
     * thread holds on to a large one.
     */
    private static final int OWN_MAX_BYTES = 64 * 1024;
    /** The smallest buffer a thread keeps, so that it is not replaced for every burst a little longer. */
    private static final int OWN_INITIAL_BYTES = 16 * 1024;
    private static final VarHandle REMOTE_WEB_SOCKET;
    private static final VarHandle PROTOCOL_HANDLER;
    private static final VarHandle WRITER;
    private static final ThreadLocal<Frames> OWN = new ThreadLocal<>();

    static {
        VarHandle remote = null;
        VarHandle handler = null;
        VarHandle writer = null;
        try {
            remote = PrivateFields.find(TyrusRemoteEndpoint.class, "webSocket", TyrusWebSocket.class);
            handler = PrivateFields.find(TyrusWebSocket.class, "protocolHandler", ProtocolHandler.class);
            writer = PrivateFields.find(ProtocolHandler.class, "writer", Writer.class);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "text frames go through Tyrus's sendText on this Tyrus version: " + e);
            remote = null;
            handler = null;
            writer = null;
        }
        REMOTE_WEB_SOCKET = remote;
        PROTOCOL_HANDLER = handler;
        WRITER = writer;
    }

    private final Writer writer;

    private TextFrameWriter(Writer writer) {
        this.writer = writer;
    }

    /** Whether this Tyrus version lets frames be written directly at all. */
    static boolean supported() {
        return WRITER != null;
    }

    /** A frame writer for {@code session}, or null when its frames must go through Tyrus's {@code sendText}. */
    static TextFrameWriter of(Session session) {
        if (WRITER == null || !session.getNegotiatedExtensions().isEmpty()) {
            return null;
        }
        try {
            if (session.getAsyncRemote() instanceof TyrusRemoteEndpoint remote
                    && REMOTE_WEB_SOCKET.get(remote) instanceof TyrusWebSocket webSocket
                    && PROTOCOL_HANDLER.get(webSocket) instanceof ProtocolHandler handler
                    && WRITER.getVolatile(handler) instanceof Writer writer) {
                return new TextFrameWriter(writer);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "text frames of " + session.getId() + " go through sendText: " + e);
        }
        return null;
    }

    /**
     * Writes each of {@code texts} as one text frame, all in one write; {@code done} gets null once they are
     * written, or the failure. Never throws; {@code done} may run on this thread or on a Grizzly thread.
     * {@code texts} must not change afterwards: the thread keeps the list to recognise the same texts next time
     * (the transport passes an unmodifiable copy).
     */
    void write(List<String> texts, Consumer<Throwable> done) {
        Write write = null;
        try {
            Frames frames = framesOf(texts);
            write = new Write(frames, done);
            writer.write(ByteBuffer.wrap(frames.bytes, 0, frames.length), write);
        } catch (RuntimeException e) {
            if (write != null) {
                write.failed(e);
            } else {
                done.accept(e);
            }
        }
    }

    /** One write of a thread's frames: gives them back once the writer is done with them, whatever the outcome. */
    private static final class Write extends CompletionHandler<ByteBuffer> {
        private final Frames frames;
        private final Consumer<Throwable> done;
        private final AtomicBoolean over = new AtomicBoolean();

        Write(Frames frames, Consumer<Throwable> done) {
            this.frames = frames;
            this.done = done;
            frames.writing.incrementAndGet();
        }

        @Override
        public void completed(ByteBuffer result) {
            end(null);
        }

        @Override
        public void failed(Throwable failure) {
            end(failure);
        }

        @Override
        public void cancelled() {
            end(new CancellationException("write cancelled"));
        }

        private void end(Throwable failure) {
            if (over.compareAndSet(false, true)) {
                frames.writing.decrementAndGet();
                done.accept(failure);
            }
        }
    }

    /**
     * The frames of {@code texts}, back to back, in the calling thread's buffer when no write still uses it (most
     * writes complete inside {@link Writer#write} on loopback and on a quiet network), else in a new one; shared
     * as they are when this thread framed the same texts just before (one event goes to every connection of its
     * world).
     */
    private static Frames framesOf(List<String> texts) {
        Frames own = OWN.get();
        if (own != null && own.holds(texts)) {
            return own;
        }
        // ASCII text (the usual protocol message) is copied straight into the frame; other text is encoded first
        int count = texts.size();
        byte[][] encoded = null;
        int total = 0;
        for (int i = 0; i < count; i++) {
            String text = texts.get(i);
            int length = text.length();
            if (!isAscii(text)) {
                if (encoded == null) {
                    encoded = new byte[count][];
                }
                encoded[i] = text.getBytes(StandardCharsets.UTF_8);
                length = encoded[i].length;
            }
            total += headerLength(length) + length;
        }
        Frames into;
        if (own != null && own.bytes.length >= total && own.writing.get() == 0) {
            into = own; // no writer reads it any more, and only this thread starts writes of it
        } else if (total <= OWN_MAX_BYTES) {
            into = new Frames(new byte[Math.max(total, OWN_INITIAL_BYTES)]);
            OWN.set(into); // a buffer still being written stays with its writes until they end
        } else {
            into = new Frames(new byte[total]);
        }
        int at = 0;
        for (int i = 0; i < count; i++) {
            at = encoded == null || encoded[i] == null ? putAscii(texts.get(i), into.bytes, at)
                    : put(encoded[i], into.bytes, at);
        }
        into.length = total;
        into.texts = texts;
        return into;
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static int headerLength(int payloadLength) {
        return payloadLength < 126 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
    }

    /** Puts the header of a final, unmasked text frame (RFC 6455 §5.2); returns where its payload goes. */
    private static int putHeader(int length, byte[] into, int at) {
        into[at] = (byte) 0x81; // FIN, opcode 1 (text)
        if (length < 126) {
            into[at + 1] = (byte) length;
        } else if (length <= 0xFFFF) {
            into[at + 1] = 126;
            into[at + 2] = (byte) (length >>> 8);
            into[at + 3] = (byte) length;
        } else {
            into[at + 1] = 127;
            long wide = length;
            for (int i = 0; i < 8; i++) {
                into[at + 2 + i] = (byte) (wide >>> (56 - 8 * i));
            }
        }
        return at + headerLength(length);
    }

    /** Puts the frame of an ASCII {@code text} at {@code at}; returns the index after it. */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): exactly UTF-8 for ASCII text
    private static int putAscii(String text, byte[] into, int at) {
        int payloadAt = putHeader(text.length(), into, at);
        text.getBytes(0, text.length(), into, payloadAt);
        return payloadAt + text.length();
    }

    /** Puts the frame of {@code payload} at {@code at}; returns the index after it. */
    private static int put(byte[] payload, byte[] into, int at) {
        int payloadAt = putHeader(payload.length, into, at);
        System.arraycopy(payload, 0, into, payloadAt, payload.length);
        return payloadAt + payload.length;
    }

    /**
     * A buffer of frames: what a thread framed last, and the texts they hold (compared by identity: one event's text
     * goes to every connection of its world, and so do the same texts in the same order when a burst of events is
     * batched). Its bytes are written over only by the thread it belongs to, and only while {@link #writing} is 0.
     */
    private static final class Frames {
        final byte[] bytes;
        /** Writes of these bytes that the writer has not finished with; counted up only by the owning thread. */
        final AtomicInteger writing = new AtomicInteger();
        int length;
        List<String> texts = List.of();

        Frames(byte[] bytes) {
            this.bytes = bytes;
        }

        boolean holds(List<String> others) {
            if (others.size() != texts.size()) {
                return false;
            }
            for (int i = 0; i < others.size(); i++) {
                if (others.get(i) != texts.get(i)) {
                    return false;
                }
            }
            return true;
        }
    }
}
