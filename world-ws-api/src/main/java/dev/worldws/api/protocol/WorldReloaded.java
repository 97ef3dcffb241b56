package dev.worldws.api.protocol;

import java.util.List;

/**
 * {@code world_reloaded}: the selected world was re-read from the store; this replaces the client's state.
 *
 * @param reloadedBy the client id that asked for the reload, or {@code null}
 */
public record WorldReloaded(WorldView world, List<AgentView> agents, String reloadedBy) implements ServerPayload {
    public WorldReloaded {
        agents = List.copyOf(agents);
    }

    @Override
    public ServerMessageType messageType() {
        return ServerMessageType.WORLD_RELOADED;
    }
}
