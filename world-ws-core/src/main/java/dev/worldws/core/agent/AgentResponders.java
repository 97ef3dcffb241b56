package dev.worldws.core.agent;

import dev.worldws.api.spi.AgentResponder;

/** Factories for {@link AgentResponder}s that ship with world-ws. */
public final class AgentResponders {
    /** The {@code extra} field of an agent's config holding its offline replies: a JSON array of strings. */
    public static final String OFFLINE_REPLIES = "offlineReplies";

    private AgentResponders() {}

    /**
     * The built-in responder: no network, deterministic. Reply number {@code i} of an agent is
     * {@code offlineReplies[i % n]} from the agent's config, with {@code {sender}}, {@code {message}},
     * {@code {agent}} and {@code {world}} replaced by the message's sender and content, the agent's name and the
     * world's name. Without {@code offlineReplies} it says {@value OfflineResponder#DEFAULT_REPLY}. The reply is
     * streamed word by word and completes synchronously.
     */
    public static AgentResponder offline() {
        return OfflineResponder.INSTANCE;
    }
}
