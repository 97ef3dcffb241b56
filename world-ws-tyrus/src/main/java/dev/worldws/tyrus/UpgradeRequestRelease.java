package dev.worldws.tyrus;

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
            ReadBufferRelease.install(ctx.getConnection());
            Buffer buffer = ctx.getMessage();
            ctx.setMessage(HttpContent.builder(UPGRADED).content(buffer).build());
            return ctx.getInvokeAction();
        }
    }
}
