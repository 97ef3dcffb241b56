package dev.worldws.api.protocol;

import java.util.List;

/**
 * {@code world_selected}: the answer to {@code world_select}; from now on the connection receives the world's
 * events.
 *
 * @param worldName the world's name
 * @param templateName the template the world was cloned from (for an existing world this may differ from the one
 *        the request named), or the requested one if the world does not record it
 * @param world the world's configuration now
 * @param agents its agents now, in id order
 * @param created whether the world was just cloned from the template (otherwise an existing world was opened)
 * @param recovered present only when the request had {@code resumeFrom}: {@code true} when exactly the missed
 *        events follow this message (each with its {@code seq}), {@code false} when they could not be recovered
 *        and this snapshot replaces the client's state
 * @param seq the world's last sequence number included in this snapshot; events that follow have larger ones
 * @param epoch the epoch of the world's sequence; send it back with {@code resumeFrom}
 * @param historyChatId the chat {@code history} belongs to (the world's current chat); {@code null} when there is
 *        no history
 * @param history the last messages of that chat up to {@code seq}, oldest first (at most the engine's history
 *        limit, default 50); {@code null} when {@code recovered} is {@code true}, because the client keeps its
 *        conversation and receives the missed events instead
 * @param historyHasMore whether the chat holds messages older than {@code history} (ask for them with
 *        {@code chat_history}); {@code null} when there is no history
 */
public record WorldSelected(String worldName, String templateName, WorldView world, List<AgentView> agents,
        boolean created, Boolean recovered, long seq, String epoch, String historyChatId, List<MessageView> history,
        Boolean historyHasMore)
        implements ServerPayload {
    public WorldSelected {
        agents = List.copyOf(agents);
        history = history == null ? null : List.copyOf(history);
    }

    @Override
    public ServerMessageType messageType() {
        return ServerMessageType.WORLD_SELECTED;
    }
}
