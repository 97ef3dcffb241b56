package dev.worldws.api;

import java.util.Objects;

/**
 * Identifies one user's world: the unit of privacy, ordering and event routing. Two users with the same
 * world name have different keys and never share anything.
 *
 * @param userId the owner
 * @param worldName the world's name within the owner's space
 */
public record WorldKey(UserId userId, WorldName worldName) {
    public WorldKey {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(worldName, "worldName");
    }

    public static WorldKey of(String userId, String worldName) {
        return new WorldKey(new UserId(userId), new WorldName(worldName));
    }

    /** A stable text form, {@code user/world}, usable as a topic name (both parts exclude '/'). */
    public String topic() {
        return userId.value() + "/" + worldName.value();
    }

    @Override
    public String toString() {
        return topic();
    }
}
