package dev.worldws.api.world;

import dev.worldws.api.TemplateName;
import dev.worldws.api.UserId;
import java.time.Instant;
import java.util.Objects;

/**
 * Where a user's world came from; written into its {@code config.json} as
 * {@code "metadata": {"originalTemplate", "clonedFor", "clonedAt"}} when it is cloned.
 */
public record CloneMetadata(TemplateName originalTemplate, UserId clonedFor, Instant clonedAt) {
    public CloneMetadata {
        Objects.requireNonNull(originalTemplate, "originalTemplate");
        Objects.requireNonNull(clonedFor, "clonedFor");
        Objects.requireNonNull(clonedAt, "clonedAt");
    }
}
