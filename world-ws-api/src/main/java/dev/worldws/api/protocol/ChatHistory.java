package dev.worldws.api.protocol;

import java.util.List;

/**
 * {@code chat_history}: the answer to a {@code chat_history} request, one page of a chat's stored messages.
 *
 * @param chatId the chat
 * @param messages the page, oldest first; the same shape as {@code event_stream} messages
 * @param hasMore whether the chat holds older messages than the first of this page (ask again with its id as
 *        {@code before})
 */
public record ChatHistory(String chatId, List<MessageView> messages, boolean hasMore) implements ServerPayload {
    public ChatHistory {
        messages = List.copyOf(messages);
    }

    @Override
    public ServerMessageType messageType() {
        return ServerMessageType.CHAT_HISTORY;
    }
}
