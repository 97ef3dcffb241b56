package dev.worldws.api.spi;

import dev.worldws.api.WorldKey;
import dev.worldws.api.event.MessageEvent;
import dev.worldws.api.world.Agent;
import dev.worldws.api.world.WorldConfig;
import java.util.Objects;

/**
 * What an agent is asked to answer.
 *
 * @param world the world the agent lives in
 * @param worldConfig that world's configuration
 * @param agent the agent, with its system prompt and its memory up to (and including) {@code message}
 * @param message the message to answer
 * @param replyNumber how many replies this agent has given before in this world, counting from 0; lets a
 *        deterministic responder vary its answers
 */
public record ReplyRequest(WorldKey world, WorldConfig worldConfig, Agent agent, MessageEvent message,
        long replyNumber) {
    public ReplyRequest {
        Objects.requireNonNull(world, "world");
        Objects.requireNonNull(worldConfig, "worldConfig");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(message, "message");
    }
}
