package dev.worldws.tyrus;

import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentMap;

import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.Filter;
import org.glassfish.grizzly.filterchain.FilterChain;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpCodecFilter;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.nio.NIOConnection;
import org.glassfish.grizzly.Processor;
import org.glassfish.grizzly.utils.IdleTimeoutFilter;
import org.glassfish.tyrus.container.grizzly.server.GrizzlyServerFilter;

/**
 * Lets go of the upgrade request once a WebSocket handshake has succeeded. Grizzly's HTTP codec keeps an upgraded
 * connection's request packet (parsed header fields, their strings and byte arrays: about 10 KiB) for the
 * connection's whole life, only to pass every later frame through it to Tyrus. Tyrus copies what it needs (URI,
 * query, headers) into its own request during the handshake. So when Tyrus answers 101 the connection gets a chain
 * without the HTTP codec (what lies below it, the idle-timeout filter, a wrapper giving Tyrus's filter the content
 * type it expects, Tyrus's filter), and the codec's reference to the request is dropped. If the listener's chain
 * has no codec below Tyrus's filter, only the headers are cleared after the 101 has been written.
 */
final class UpgradeRequestRelease extends BaseFilter implements AddOn {
    private static final int SWITCHING_PROTOCOLS = 101;
    private static final HttpRequestPacket UPGRADED = HttpRequestPacket.builder().method("GET").uri("/")
            .protocol("HTTP/1.1").upgrade("websocket").build();
    private volatile FilterChain rawChain;

    /** Puts this filter right before Tyrus's filter; does nothing if Tyrus's filter is not in the chain. */
    @Override
    public void setup(NetworkListener listener, FilterChainBuilder builder) {
        int tyrus = builder.indexOfType(GrizzlyServerFilter.class);
        int codec = builder.indexOfType(HttpCodecFilter.class);
        if (tyrus < 0) {
            return;
        }
        if (codec >= 0 && codec < tyrus) {
            // what lies below the codec (transport, TLS) keeps serving the upgraded connection, and so does the
            // idle-timeout filter above it: it must see the close to forget the connection
            FilterChainBuilder raw = FilterChainBuilder.stateless();
            for (int i = 0; i < tyrus; i++) {
                Filter filter = builder.get(i);
                if (i < codec || filter instanceof IdleTimeoutFilter) {
                    raw.add(filter);
                }
            }
            rawChain = raw.add(new Frames()).add(builder.get(tyrus)).build();
        }
        builder.add(tyrus, this);
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) {
        if (rawChain == null && ctx.getMessage() instanceof HttpContent content
                && content.getHttpHeader() instanceof HttpRequestPacket request
                && request.isUpgrade() && request.getHeaders().size() > 0) {
            ctx.addCompletionListener(done -> release(request, request.getResponse()));
        }
        return ctx.getInvokeAction();
    }

    /**
     * Switches the connection to the codec-free chain as Tyrus writes its 101, before the response reaches the
     * socket: the client cannot send a frame before that, so no frame is ever read by the HTTP codec.
     */
    @Override
    public NextAction handleWrite(FilterChainContext ctx) {
        FilterChain raw = rawChain;
        if (raw != null && ctx.getMessage() instanceof HttpContent content
                && content.getHttpHeader() instanceof HttpResponsePacket response
                && response.getStatus() == SWITCHING_PROTOCOLS && response.getRequest() != null
                && "websocket".equalsIgnoreCase(response.getRequest().getUpgrade())) {
            Connection<?> connection = ctx.getConnection();
            connection.setProcessor(raw);
            connection.getAttributes().removeAttribute(HttpServerFilter.HTTP_SERVER_REQUEST_ATTR_NAME);
            // the handshake's HTTP chain holds its own state locally until it returns; the connection need not
            ChainStates.keepOnly(connection, raw);
        }
        return ctx.getInvokeAction();
    }

    /** Clears both packets' headers if {@code response} is a committed 101; true if it was. */
    static boolean release(HttpRequestPacket request, HttpResponsePacket response) {
        if (response == null || response.getStatus() != SWITCHING_PROTOCOLS || !response.isCommitted()) {
            return false; // not upgraded (yet): the HTTP side may still need the headers
        }
        String upgrade = request.getUpgrade();
        request.getHeaders().recycle();
        response.getHeaders().recycle();
        request.getUpgradeDC().setString(upgrade);
        return true;
    }

    /**
     * Hands raw frame bytes to Tyrus's filter wrapped the way the HTTP codec did, and has Tyrus drop its read buffer
     * between reads ({@link ReadBufferRelease}).
     */
    private static final class Frames extends BaseFilter {
        @Override
        public NextAction handleRead(FilterChainContext ctx) {
            if (!ReadBufferRelease.tyrusConnectionPresent(ctx.getConnection())) {
                // Tyrus closed this connection and forgot it; bytes that still arrive (the client's close frame)
                // would reach Tyrus's filter wrapped in the placeholder request and be taken for a new handshake,
                // which fails on the placeholder (a NullPointerException logged by Grizzly). The socket is closing.
                return ctx.getStopAction();
            }
            ReadBufferRelease.install(ctx.getConnection());
            ChainStates.keepOnly(ctx.getConnection(), ctx.getFilterChain());
            Buffer buffer = ctx.getMessage();
            ctx.setMessage(HttpContent.builder(UPGRADED).content(buffer).build());
            return ctx.getInvokeAction();
        }

        /** Writes too: a connection that never sends a frame still gets the server's heartbeat pings. */
        @Override
        public NextAction handleWrite(FilterChainContext ctx) {
            ChainStates.keepOnly(ctx.getConnection(), ctx.getFilterChain());
            return ctx.getInvokeAction();
        }
    }

    /**
     * Grizzly keeps, per connection, a state object for every filter chain that ever ran on it (an array of slots
     * per operation and filter), and once there are two it keeps them in a concurrent map; nothing ever removes
     * them. An upgraded connection only runs the codec-free chain, so every other chain's state (the HTTP chain's,
     * from the handshake, which may create it again as it returns) is dropped as the connection switches and on its
     * reads and writes, and the codec-free chain's state is kept alone, without the map: about 0.5 KiB less per
     * idle connection. Grizzly has no API for it, hence the {@link VarHandle}s; if its fields ever differ this does
     * nothing. Safe against Grizzly's own readers: the storage is reset under the lock its slow path takes, a reader
     * that finds it empty creates the state anew under that lock, and no filter of the codec-free chain leaves a
     * message in its state between reads.
     */
    static final class ChainStates {
        private static final VarHandle STORAGE;
        private static final VarHandle FLAG;
        private static final VarHandle SINGLE;
        private static final VarHandle MAP;
        private static final VarHandle PROCESSOR;

        static {
            VarHandle storage = null;
            VarHandle flag = null;
            VarHandle single = null;
            VarHandle map = null;
            VarHandle processor = null;
            try {
                Class<?> storageType = Class.forName(NIOConnection.class.getName() + "$ProcessorStatesMap", false,
                        NIOConnection.class.getClassLoader());
                Class<?> singleType = Class.forName(storageType.getName() + "$ProcessorState", false,
                        NIOConnection.class.getClassLoader());
                storage = PrivateFields.find(NIOConnection.class, "processorStateStorage", storageType);
                flag = PrivateFields.find(storageType, "volatileFlag", int.class);
                single = PrivateFields.find(storageType, "singleProcessorState", singleType);
                map = PrivateFields.find(storageType, "processorStatesMap", ConcurrentMap.class);
                processor = PrivateFields.find(singleType, "processor", Processor.class);
            } catch (ReflectiveOperationException | RuntimeException e) {
                System.getLogger(ChainStates.class.getName()).log(System.Logger.Level.DEBUG,
                        () -> "Grizzly's per-chain connection state is kept on this version: " + e);
                storage = null;
            }
            STORAGE = storage;
            FLAG = flag;
            SINGLE = single;
            MAP = map;
            PROCESSOR = processor;
        }

        private ChainStates() {}

        static boolean supported() {
            return STORAGE != null;
        }

        /** Drops the state of every chain but {@code chain} that {@code connection} holds; cheap when there is none. */
        static void keepOnly(Connection<?> connection, FilterChain chain) {
            if (STORAGE == null || !(connection instanceof NIOConnection)) {
                return;
            }
            Object storage = STORAGE.get(connection);
            Object single = SINGLE.getVolatile(storage);
            if (MAP.getVolatile(storage) == null && (single == null || PROCESSOR.get(single) == chain)) {
                return;
            }
            synchronized (storage) { // the lock of Grizzly's own slow path
                MAP.setVolatile(storage, (Object) null);
                SINGLE.setVolatile(storage, (Object) null);
                FLAG.setVolatile(storage, 0);
            }
        }

        /** How many chains' states {@code connection} holds: 0, 1, or 2 and more (a map); for tests. */
        static int held(Connection<?> connection) {
            Object storage = STORAGE.get(connection);
            return (int) FLAG.getVolatile(storage);
        }
    }
}
