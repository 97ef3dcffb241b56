package dev.worldws.api.event;

import dev.worldws.api.WorldKey;
import dev.worldws.api.world.AgentConfig;
import java.time.Instant;
import java.util.Objects;

/**
 * An agent's configuration or system prompt changed; every connection of the world learns the new state.
 *
 * @param config the agent's new configuration
 * @param systemPrompt the agent's new system prompt
 * @param updatedBy the client id that asked for the change, or {@code null} when the server did
 * @param memorySize how many items the agent's memory holds after the change, so the agent's view is complete
 */
public record AgentUpdatedEvent(WorldKey world, String chatId, long seq, Instant timestamp, AgentConfig config,
        String systemPrompt, String updatedBy, int memorySize) implements WorldEvent {
    public AgentUpdatedEvent {
        Objects.requireNonNull(world, "world");
        Objects.requireNonNull(chatId, "chatId");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(config, "config");
        systemPrompt = systemPrompt == null ? "" : systemPrompt;
        if (memorySize < 0) {
            throw new IllegalArgumentException("memorySize must not be negative (was " + memorySize + ")");
        }
    }

    @Override
    public Channel channel() {
        return Channel.WORLD;
    }

    @Override
    public String type() {
        return "agent-updated";
    }

    @Override
    public AgentUpdatedEvent withSeq(long newSeq) {
        return new AgentUpdatedEvent(world, chatId, newSeq, timestamp, config, systemPrompt, updatedBy, memorySize);
    }
}
