package dev.worldws.api.world;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A world's {@code config.json}: the few fields world-ws acts on, and every other field kept verbatim.
 *
 * @param id the world's id as stored (agent-world writes kebab-case of the name); may differ from the folder name
 * @param name the display name
 * @param description free text, may be empty
 * @param turnLimit how many LLM calls an agent may make before it must hand back to a human (default 5)
 * @param mainAgent the agent id that receives unaddressed human messages first, or {@code null}
 * @param currentChatId the chat that new messages go to when the client names none, or {@code null}
 * @param metadata clone provenance, or {@code null} for a template
 * @param extra every other JSON field, unmodified on a round trip
 */
public record WorldConfig(
        String id,
        String name,
        String description,
        int turnLimit,
        String mainAgent,
        String currentChatId,
        CloneMetadata metadata,
        Map<String, Object> extra) {

    public static final int DEFAULT_TURN_LIMIT = 5;

    public WorldConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        description = description == null ? "" : description;
        if (turnLimit < 1) {
            throw new IllegalArgumentException("turnLimit must be at least 1 (was " + turnLimit + ")");
        }
        extra = Extras.copyOf(extra);
    }

    public Optional<CloneMetadata> cloneMetadata() {
        return Optional.ofNullable(metadata);
    }

    public WorldConfig withMetadata(CloneMetadata newMetadata) {
        return new WorldConfig(id, name, description, turnLimit, mainAgent, currentChatId, newMetadata, extra);
    }

    public WorldConfig withCurrentChatId(String chatId) {
        return new WorldConfig(id, name, description, turnLimit, mainAgent, chatId, metadata, extra);
    }
}
