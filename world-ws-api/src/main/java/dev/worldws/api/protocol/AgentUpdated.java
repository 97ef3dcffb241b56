package dev.worldws.api.protocol;

/**
 * {@code agent_updated}: an agent of the selected world changed; its new state.
 *
 * @param updatedBy the client id that asked for the change, or {@code null} when the server changed it
 */
public record AgentUpdated(String agentName, AgentView agent, String updatedBy) implements ServerPayload {
    @Override
    public ServerMessageType messageType() {
        return ServerMessageType.AGENT_UPDATED;
    }
}
