package dev.worldws.api.protocol;

import java.time.Instant;

/**
 * A world's configuration as clients see it.
 *
 * @param originalTemplate the template the world was cloned from, or {@code null}
 * @param clonedAt when it was cloned, or {@code null}
 */
public record WorldView(String id, String name, String description, int turnLimit, String mainAgent,
        String currentChatId, String originalTemplate, Instant clonedAt) {
}
