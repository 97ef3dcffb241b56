package dev.worldws.api.protocol;

import dev.worldws.api.AgentId;
import java.util.Objects;

/**
 * {@code agent_update}: change one agent of the selected world. Every connection of the world receives
 * {@code agent_updated}; of two concurrent updates the one applied last wins, on every connection.
 *
 * @param agentName the agent's id
 * @param config the fields to change
 */
public record AgentUpdate(AgentId agentName, AgentPatch config) implements ClientRequest {
    public AgentUpdate {
        Objects.requireNonNull(agentName, "agentName");
        Objects.requireNonNull(config, "config");
    }

    @Override
    public ClientMessageType messageType() {
        return ClientMessageType.AGENT_UPDATE;
    }
}
