package dev.worldws.api.protocol;

/** {@code ping}: an application-level heartbeat for clients that cannot send ping frames; answered by {@code pong}. */
public record Ping() implements ClientRequest {
    @Override
    public ClientMessageType messageType() {
        return ClientMessageType.PING;
    }
}
