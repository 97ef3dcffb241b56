package dev.worldws.api.world;

import dev.worldws.api.AgentId;
import java.util.Map;
import java.util.Objects;

/**
 * An agent's {@code agents/{id}/config.json}: the fields world-ws acts on, and every other field kept verbatim.
 *
 * @param id the agent's id, also its folder name and the name used in {@code @mentions}
 * @param name the display name
 * @param type a free-form role, may be {@code null}
 * @param active whether the agent answers at all; absent in older files, which means {@code true}
 * @param autoReply whether replies to an agent are prefixed with {@code @sender} (agent-world's rule)
 * @param provider the LLM provider name, or {@code null}; {@code "offline"} or {@code null} selects the built-in responder
 * @param model the model name, or {@code null}
 * @param temperature sampling temperature, or {@code null}
 * @param maxTokens the reply token budget, or {@code null}
 * @param llmCallCount LLM calls since the last human or world message (the turn limit counts these)
 * @param extra every other JSON field, unmodified on a round trip (the built-in responder reads {@code offlineReplies} here)
 */
public record AgentConfig(
        AgentId id,
        String name,
        String type,
        boolean active,
        boolean autoReply,
        String provider,
        String model,
        Double temperature,
        Integer maxTokens,
        int llmCallCount,
        Map<String, Object> extra) {

    public AgentConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        if (llmCallCount < 0) {
            throw new IllegalArgumentException("llmCallCount must not be negative (was " + llmCallCount + ")");
        }
        extra = Extras.copyOf(extra);
    }

    /** A minimal active agent, for tests and programmatic worlds. */
    public static AgentConfig of(AgentId id, String name) {
        return new AgentConfig(id, name, null, true, true, null, null, null, null, 0, Map.of());
    }

    public AgentConfig withLlmCallCount(int count) {
        return new AgentConfig(id, name, type, active, autoReply, provider, model, temperature, maxTokens, count, extra);
    }

    public AgentConfig withActive(boolean isActive) {
        return new AgentConfig(id, name, type, isActive, autoReply, provider, model, temperature, maxTokens, llmCallCount, extra);
    }
}
