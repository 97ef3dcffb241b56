package dev.worldws.api.protocol;

/**
 * {@code chat_response}: one step of an agent's streamed reply: {@code start}, {@code chunk}s, then {@code end}
 * (content = the whole reply) or {@code error} (content = what went wrong).
 *
 * @param agentName the replying agent's id
 * @param messageId the id of the reply (the same on every step of one reply)
 * @param replyToMessageId the message being answered
 * @param chatId the chat of the conversation
 * @param kind {@code start}, {@code chunk}, {@code end} or {@code error}
 * @param content the chunk, the whole reply, or the error
 * @param complete whether this is the last step of the reply ({@code end} or {@code error})
 */
public record ChatResponse(String agentName, String messageId, String replyToMessageId, String chatId, String kind,
        String content, boolean complete) implements ServerPayload {
    @Override
    public ServerMessageType messageType() {
        return ServerMessageType.CHAT_RESPONSE;
    }
}
