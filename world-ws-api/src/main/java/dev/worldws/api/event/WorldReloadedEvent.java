package dev.worldws.api.event;

import dev.worldws.api.WorldKey;
import dev.worldws.api.world.World;
import java.time.Instant;
import java.util.Objects;

/**
 * The world was re-read from its store; {@code snapshot} is what was read, so every server and connection
 * converges on it.
 */
public record WorldReloadedEvent(WorldKey world, String chatId, long seq, Instant timestamp, World snapshot,
        String reloadedBy) implements WorldEvent {
    public WorldReloadedEvent {
        Objects.requireNonNull(world, "world");
        Objects.requireNonNull(chatId, "chatId");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(snapshot, "snapshot");
    }

    @Override
    public Channel channel() {
        return Channel.WORLD;
    }

    @Override
    public String type() {
        return "world-reloaded";
    }

    @Override
    public WorldReloadedEvent withSeq(long newSeq) {
        return new WorldReloadedEvent(world, chatId, newSeq, timestamp, snapshot, reloadedBy);
    }
}
