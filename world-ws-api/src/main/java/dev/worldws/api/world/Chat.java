package dev.worldws.api.world;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/** A chat's {@code chats/{chatId}.json}: one conversation inside a world. */
public record Chat(String id, String worldId, String name, Instant createdAt, Instant updatedAt, int messageCount,
        Map<String, Object> extra) {
    public Chat {
        Objects.requireNonNull(id, "id");
        name = name == null ? id : name;
        extra = Extras.copyOf(extra);
    }
}
