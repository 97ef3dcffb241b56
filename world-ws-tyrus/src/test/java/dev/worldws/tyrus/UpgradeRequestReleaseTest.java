package dev.worldws.tyrus;

import static org.assertj.core.api.Assertions.assertThat;

import org.glassfish.grizzly.filterchain.FilterChain;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.TransportFilter;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.nio.transport.TCPNIOConnection;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;
import org.glassfish.grizzly.nio.transport.TCPNIOTransportBuilder;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Grizzly keeps an upgraded connection's request packet for the connection's life; its headers need not stay. */
class UpgradeRequestReleaseTest {

    private static HttpRequestPacket upgradeRequest() {
        return HttpRequestPacket.builder().method("GET").uri("/ws").query("token=secret").protocol("HTTP/1.1")
                .header("Host", "127.0.0.1").header("Upgrade", "websocket").header("Connection", "Upgrade")
                .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==").header("Cookie", "a=".repeat(200))
                .build();
    }

    private static HttpResponsePacket answer(HttpRequestPacket request, int status, boolean committed) {
        HttpResponsePacket response = HttpResponsePacket.builder(request).status(status)
                .header("Upgrade", "websocket").build();
        response.setCommitted(committed);
        return response;
    }

    @Test
    @DisplayName("after a committed 101 the request and response headers are cleared, the upgrade flag stays")
    void releasesAfterUpgrade() {
        HttpRequestPacket request = upgradeRequest();
        HttpResponsePacket response = answer(request, 101, true);

        assertThat(UpgradeRequestRelease.release(request, response)).isTrue();

        assertThat(request.getHeaders().size()).isZero();
        assertThat(response.getHeaders().size()).isZero();
        assertThat(request.isUpgrade()).isTrue();
        assertThat(request.getUpgrade()).isEqualTo("websocket");
    }

    @Test
    @DisplayName("a refused or not yet written handshake keeps its headers for the HTTP side")
    void keepsHeadersWithoutUpgrade() {
        HttpRequestPacket refused = upgradeRequest();
        HttpResponsePacket forbidden = answer(refused, 403, true);
        HttpRequestPacket pending = upgradeRequest();
        HttpResponsePacket unwritten = answer(pending, 101, false);

        assertThat(UpgradeRequestRelease.release(refused, forbidden)).isFalse();
        assertThat(UpgradeRequestRelease.release(pending, unwritten)).isFalse();
        assertThat(UpgradeRequestRelease.release(pending, null)).isFalse();

        assertThat(refused.getHeader("Cookie")).startsWith("a=");
        assertThat(pending.getHeader("Sec-WebSocket-Key")).isEqualTo("dGhlIHNhbXBsZSBub25jZQ==");
    }

    @Test
    @DisplayName("an upgraded connection keeps the state of its codec-free chain only, and that chain's state works on")
    void keepsOnlyTheUpgradedChainsState() {
        assertThat(UpgradeRequestRelease.ChainStates.supported()).as("this Grizzly version's fields are found").isTrue();
        TCPNIOTransport transport = TCPNIOTransportBuilder.newInstance().build();
        TCPNIOConnection connection = new TCPNIOConnection(transport, null);
        FilterChain http = FilterChainBuilder.stateless().add(new TransportFilter()).build();
        FilterChain raw = FilterChainBuilder.stateless().add(new TransportFilter()).build();
        Object httpState = connection.obtainProcessorState(http, Object::new);
        Object firstRawState = connection.obtainProcessorState(raw, Object::new);
        assertThat(UpgradeRequestRelease.ChainStates.held(connection)).as("two chains: Grizzly's map").isEqualTo(2);

        UpgradeRequestRelease.ChainStates.keepOnly(connection, raw);

        assertThat(UpgradeRequestRelease.ChainStates.held(connection)).isZero();
        Object rawState = connection.obtainProcessorState(raw, Object::new);
        assertThat(rawState).isNotSameAs(firstRawState).isNotSameAs(httpState);
        assertThat(UpgradeRequestRelease.ChainStates.held(connection)).as("one chain, no map").isEqualTo(1);
        UpgradeRequestRelease.ChainStates.keepOnly(connection, raw);
        assertThat(connection.obtainProcessorState(raw, Object::new)).as("kept from then on").isSameAs(rawState);
    }
}
