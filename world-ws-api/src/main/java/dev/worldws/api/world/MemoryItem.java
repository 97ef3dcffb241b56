package dev.worldws.api.world;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of an agent's {@code memory.json}: something the agent saw or said.
 *
 * @param role {@code "user"}, {@code "assistant"} or {@code "system"}
 * @param content the text (real newlines in memory; agent-world's escaped {@code \\n} is undone on load)
 * @param createdAt when it happened
 * @param sender who said it: {@code human}, an agent id, {@code world} or {@code system}
 * @param chatId the chat it belongs to, or {@code null}
 * @param messageId the message's id, or {@code null}
 * @param replyToMessageId the message it answers, or {@code null}
 * @param agentId the agent whose memory this is, or {@code null}
 * @param extra every other JSON field (for example {@code tool_calls}), unmodified on a round trip
 */
public record MemoryItem(
        String role,
        String content,
        Instant createdAt,
        String sender,
        String chatId,
        String messageId,
        String replyToMessageId,
        String agentId,
        Map<String, Object> extra) {

    public MemoryItem {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        extra = Extras.copyOf(extra);
    }
}
