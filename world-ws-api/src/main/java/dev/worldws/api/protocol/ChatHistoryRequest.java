package dev.worldws.api.protocol;

/**
 * {@code chat_history}: ask for earlier messages of a chat of the selected world, a page at a time.
 *
 * @param chatId the chat, or {@code null} for the world's current chat (the one {@code world_selected}'s history
 *        shows)
 * @param before the message id of the oldest message the client has; only messages before it are returned. {@code
 *        null}: the chat's latest messages
 * @param limit how many messages at most, 1 to {@link #MAX_LIMIT}; {@code null} for {@link #DEFAULT_LIMIT}
 */
public record ChatHistoryRequest(String chatId, String before, Integer limit) implements ClientRequest {
    /** Messages per page when the request names no limit. */
    public static final int DEFAULT_LIMIT = 50;
    /** The largest page a request may ask for. */
    public static final int MAX_LIMIT = 200;

    public ChatHistoryRequest {
        if (limit != null && (limit < 1 || limit > MAX_LIMIT)) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + " (was " + limit + ")");
        }
    }

    /** The page size this request asks for. */
    public int effectiveLimit() {
        return limit == null ? DEFAULT_LIMIT : limit;
    }

    @Override
    public ClientMessageType messageType() {
        return ClientMessageType.CHAT_HISTORY;
    }
}
