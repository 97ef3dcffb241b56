package dev.worldws.api.world;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One persisted event of a world, as stored in {@code events/{chatId}.json} (an array of these per chat).
 *
 * @param id the event's id
 * @param worldId the world's id
 * @param chatId the chat it belongs to
 * @param type the event type, for example {@code message}
 * @param payload the event's content
 * @param meta routing metadata (sender, recipients); may be empty
 * @param createdAt when it happened
 * @param seq its sequence number; strictly increasing within a chat
 * @param extra every other JSON field, unmodified on a round trip
 */
public record EventLogEntry(String id, String worldId, String chatId, String type, Map<String, Object> payload,
        Map<String, Object> meta, Instant createdAt, long seq, Map<String, Object> extra) {
    public EventLogEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(chatId, "chatId");
        Objects.requireNonNull(type, "type");
        payload = Extras.copyOf(payload);
        meta = Extras.copyOf(meta);
        extra = Extras.copyOf(extra);
    }
}
