package dev.worldws.core.user;

import dev.worldws.api.TemplateName;
import dev.worldws.api.UserId;
import dev.worldws.api.WorldKey;
import dev.worldws.api.WorldName;
import dev.worldws.api.world.World;
import java.time.Instant;
import java.util.Objects;

/**
 * A user working in one of their worlds.
 *
 * @param userId the user
 * @param worldName the user's world
 * @param templateName the template the world was cloned from
 * @param world the world as last loaded or saved through the session
 * @param persistent whether the world outlives the session; a non-persistent world is deleted with its session
 * @param createdAt when the session began
 * @param lastAccessed when the session was last read or saved through its manager
 */
public record UserSession(UserId userId, WorldName worldName, TemplateName templateName, World world,
        boolean persistent, Instant createdAt, Instant lastAccessed) {
    public UserSession {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(worldName, "worldName");
        Objects.requireNonNull(templateName, "templateName");
        Objects.requireNonNull(world, "world");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastAccessed, "lastAccessed");
    }

    /** The key of the session's world. */
    public WorldKey key() {
        return new WorldKey(userId, worldName);
    }

    /** Same as {@link #persistent()}, named as in the plan. */
    public boolean isPersistent() {
        return persistent;
    }

    UserSession accessed(Instant at) {
        return new UserSession(userId, worldName, templateName, world, persistent, createdAt, at);
    }

    UserSession withWorld(World newWorld, Instant at) {
        return new UserSession(userId, worldName, templateName, newWorld, persistent, createdAt, at);
    }
}
