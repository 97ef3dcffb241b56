package dev.worldws.api.protocol;

/**
 * The payload of a message a client sends, decoded and validated: one record per {@link ClientMessageType}.
 * A request arrives in the envelope {@code {"type": T, "id": "<optional request id>", "payload": {...}}};
 * {@link ClientMessage} pairs it with that id.
 */
public sealed interface ClientRequest
        permits WorldSelect, ChatSend, AgentUpdate, WorldReload, EventSubscribe, EventUnsubscribe, Ping,
        ChatHistoryRequest {

    /** The message type this payload belongs to. */
    ClientMessageType messageType();
}
