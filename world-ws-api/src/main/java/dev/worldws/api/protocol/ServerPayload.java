package dev.worldws.api.protocol;

/** The payload of a message the server sends: one record per {@link ServerMessageType}. */
public sealed interface ServerPayload
        permits Connected, WorldSelected, ChatResponse, EventStream, AgentUpdated, WorldReloaded, Status,
        ErrorPayload, Pong, ChatHistory {

    /** The message type this payload belongs to. */
    ServerMessageType messageType();
}
