package dev.worldws.tyrus;

import static org.assertj.core.api.Assertions.assertThat;

import org.glassfish.grizzly.http.HttpRequestPacket;
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
}
