package dev.worldws.api.protocol;

/** {@code pong}: the answer to {@code ping}. */
public record Pong() implements ServerPayload {
    @Override
    public ServerMessageType messageType() {
        return ServerMessageType.PONG;
    }
}
