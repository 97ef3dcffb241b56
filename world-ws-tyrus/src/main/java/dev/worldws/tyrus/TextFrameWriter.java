package dev.worldws.tyrus;

import jakarta.websocket.Session;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CancellationException;
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
 * next connections that send the same text on it. The bytes are those Tyrus would write: one final, unmasked text
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
     * Frames up to this size are kept per thread for the next connection (a chat message's whole burst is about
     * 11 KiB); larger ones are built each time, so that no thread holds on to a large one.
     */
    private static final int REUSED_FRAME_MAX_BYTES = 16 * 1024;
    private static final VarHandle REMOTE_WEB_SOCKET;
    private static final VarHandle PROTOCOL_HANDLER;
    private static final VarHandle WRITER;
    private static final ThreadLocal<Framed> LAST = new ThreadLocal<>();

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
     */
    void write(List<String> texts, Consumer<Throwable> done) {
        try {
            writer.write(ByteBuffer.wrap(framesOf(texts)), new CompletionHandler<>() {
                @Override
                public void completed(ByteBuffer result) {
                    done.accept(null);
                }

                @Override
                public void failed(Throwable failure) {
                    done.accept(failure);
                }

                @Override
                public void cancelled() {
                    done.accept(new CancellationException("write cancelled"));
                }
            });
        } catch (RuntimeException e) {
            done.accept(e);
        }
    }

    /** The frames of {@code texts}, back to back: reused when this thread framed the same texts just before. */
    private static byte[] framesOf(List<String> texts) {
        Framed last = LAST.get();
        if (last != null && last.sameTexts(texts)) {
            return last.frames;
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
        byte[] frames = new byte[total];
        int at = 0;
        for (int i = 0; i < count; i++) {
            at = encoded == null || encoded[i] == null ? putAscii(texts.get(i), frames, at) : put(encoded[i], frames, at);
        }
        if (frames.length <= REUSED_FRAME_MAX_BYTES) {
            LAST.set(new Framed(texts.toArray(new String[0]), frames));
        }
        return frames;
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
     * The frames a thread built last, and their texts (compared by identity: one event's text goes to every
     * connection of its world, and so do the same texts in the same order when a burst of events is batched).
     */
    private record Framed(String[] texts, byte[] frames) {
        boolean sameTexts(List<String> others) {
            if (others.size() != texts.length) {
                return false;
            }
            for (int i = 0; i < texts.length; i++) {
                if (others.get(i) != texts[i]) {
                    return false;
                }
            }
            return true;
        }
    }
}
