package dev.worldws.tyrus;

import jakarta.websocket.CloseReason;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.tyrus.container.grizzly.server.GrizzlyServerFilter;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.spi.Connection;
import org.glassfish.tyrus.spi.ReadHandler;
import org.glassfish.tyrus.spi.Writer;

/**
 * Lets an idle WebSocket connection hold no read buffer. Tyrus's read handler copies every read into a buffer of its
 * own and keeps that buffer, emptied, for the connection's whole life, growing it to the largest read so far: after
 * one large message a connection holds a buffer of that size (up to the hard frame limit) until it closes. Here,
 * after every read that left no partial frame behind, the emptied buffer is dropped; the next read gets a fresh one
 * of its own size, exactly as the connection's first read did. A partial frame's bytes are kept, so a frame split
 * over several reads still arrives whole.
 *
 * <p>Tyrus offers no way to do this, so the handler's private field is cleared through a {@link VarHandle}; if a
 * Tyrus version does not have that field, {@link #supported()} is false and connections keep Tyrus's behaviour.
 * Only the thread running the read handler (Tyrus serialises a connection's reads) touches the field.
 */
final class ReadBufferRelease {
    private static final System.Logger LOG = System.getLogger(ReadBufferRelease.class.getName());
    /** The attribute under which Tyrus's Grizzly filter keeps an upgraded connection's Tyrus connection. */
    private static final Attribute<Object> TYRUS_CONNECTION =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(GrizzlyServerFilter.class.getName() + ".Connection");
    private static final Class<?> HANDLER_TYPE;
    private static final VarHandle BUFFER;

    static {
        Class<?> type = null;
        VarHandle buffer = null;
        try {
            type = Class.forName(TyrusWebSocketEngine.class.getName() + "$TyrusReadHandler", false,
                    TyrusWebSocketEngine.class.getClassLoader());
            buffer = PrivateFields.find(type, "buffer", ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "Tyrus read buffers are not released on this Tyrus version: " + e);
            type = null;
            buffer = null;
        }
        HANDLER_TYPE = type;
        BUFFER = buffer;
    }

    private ReadBufferRelease() {}

    /** Whether Tyrus still holds a connection for this upgraded Grizzly connection (it forgets it once closed). */
    static boolean tyrusConnectionPresent(org.glassfish.grizzly.Connection<?> grizzly) {
        return TYRUS_CONNECTION.get(grizzly) != null;
    }

    /** Whether this Tyrus version's read handler can be made to drop its buffer. */
    static boolean supported() {
        return BUFFER != null;
    }

    /**
     * Makes the Tyrus connection of an upgraded Grizzly connection drop its read buffer after each complete read.
     * Cheap to call on every read: does nothing once done, before the upgrade, or if not {@link #supported()}.
     */
    static void install(org.glassfish.grizzly.Connection<?> grizzly) {
        if (BUFFER == null) {
            return;
        }
        if (TYRUS_CONNECTION.get(grizzly) instanceof Connection tyrus && !(tyrus instanceof Releasing)) {
            Connection wrapped = wrap(tyrus);
            if (wrapped != tyrus) {
                TYRUS_CONNECTION.set(grizzly, wrapped);
            }
        }
    }

    /** Wraps a Tyrus connection whose read handler is Tyrus's own; other connections are returned as they are. */
    static Connection wrap(Connection tyrus) {
        if (BUFFER == null || tyrus instanceof Releasing || !HANDLER_TYPE.isInstance(tyrus.getReadHandler())) {
            return tyrus;
        }
        return new Releasing(tyrus);
    }

    /** The buffer Tyrus's {@code handler} holds between reads (null once released); for tests. */
    static ByteBuffer retained(ReadHandler handler) {
        ReadHandler inner = handler instanceof ReleasingReader releasing ? releasing.delegate : handler;
        return (ByteBuffer) BUFFER.getVolatile(inner);
    }

    /** A Tyrus connection whose reads release the handler's buffer; everything else is the delegate's. */
    private static final class Releasing implements Connection {
        private final Connection delegate;
        private final ReleasingReader reader;

        Releasing(Connection delegate) {
            this.delegate = delegate;
            this.reader = new ReleasingReader(delegate.getReadHandler());
        }

        @Override
        public ReadHandler getReadHandler() {
            return reader;
        }

        @Override
        public Writer getWriter() {
            return delegate.getWriter();
        }

        @Override
        public CloseListener getCloseListener() {
            return delegate.getCloseListener();
        }

        @Override
        public void close(CloseReason reason) {
            delegate.close(reason);
        }
    }

    private static final class ReleasingReader implements ReadHandler {
        private final ReadHandler delegate;

        ReleasingReader(ReadHandler delegate) {
            this.delegate = delegate;
        }

        @Override
        public void handle(ByteBuffer data) {
            try {
                delegate.handle(data);
            } finally {
                ByteBuffer kept = (ByteBuffer) BUFFER.getVolatile(delegate);
                if (kept != null && !kept.hasRemaining()) {
                    BUFFER.setVolatile(delegate, (ByteBuffer) null);
                }
            }
        }
    }
}
