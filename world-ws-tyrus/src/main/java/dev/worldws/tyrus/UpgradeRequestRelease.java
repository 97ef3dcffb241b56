package dev.worldws.tyrus;

import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.tyrus.container.grizzly.server.GrizzlyServerFilter;

/**
 * Lets go of the upgrade request's header values once a WebSocket handshake has succeeded. Grizzly keeps the
 * request packet of an upgraded connection for the connection's whole life (its HTTP codec routes every later frame
 * through it), and with it the parsed header fields, their strings and byte arrays. Tyrus copies what it needs (URI,
 * query, headers) into its own request during the handshake, and the codec needs only the request's upgrade flag
 * afterwards, so both packets' headers are cleared and the upgrade flag no longer points into the handshake bytes.
 * The packet itself, with its pre-allocated (now empty) header slots, stays as long as the connection.
 */
final class UpgradeRequestRelease extends BaseFilter implements AddOn {
    private static final int SWITCHING_PROTOCOLS = 101;

    /** Puts this filter right before Tyrus's filter; does nothing if Tyrus's filter is not in the chain. */
    @Override
    public void setup(NetworkListener listener, FilterChainBuilder builder) {
        int tyrus = builder.indexOfType(GrizzlyServerFilter.class);
        if (tyrus >= 0) {
            builder.add(tyrus, this);
        }
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) {
        if (ctx.getMessage() instanceof HttpContent content
                && content.getHttpHeader() instanceof HttpRequestPacket request
                && request.isUpgrade() && request.getHeaders().size() > 0) {
            ctx.addCompletionListener(done -> release(request, request.getResponse()));
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
}
