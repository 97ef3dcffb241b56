package dev.worldws.api.protocol;

import java.util.Objects;

/**
 * {@code chat_send}: post a human message to the selected world; the agents that the reply rules select answer it.
 *
 * @param content the message text, not blank
 * @param chatId the chat to post to, or {@code null} for the world's current chat
 * @param sender the human's display name, or {@code null} for {@code human}; never an agent's id, {@code world}
 *        or {@code system}
 */
public record ChatSend(String content, String chatId, String sender) implements ClientRequest {
    /** Longest message accepted, in characters (the frame limit applies too). */
    public static final int MAX_CONTENT_LENGTH = 32_768;

    public ChatSend {
        Objects.requireNonNull(content, "content");
    }

    @Override
    public ClientMessageType messageType() {
        return ClientMessageType.CHAT_SEND;
    }
}
