package dev.worldws.api.protocol;

import dev.worldws.api.world.AgentConfig;
import dev.worldws.api.world.Extras;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code config} of an {@code agent_update}: a merge patch. A {@code null} field is left as it is; fields
 * not listed here (for example {@code offlineReplies}) are merged into the agent's {@code extra}, where a JSON
 * {@code null} removes the field. The agent's id and its turn counter cannot be patched.
 */
public record AgentPatch(String name, String type, Boolean active, Boolean autoReply, String provider,
        String model, Double temperature, Integer maxTokens, String systemPrompt, Map<String, Object> extra) {

    public AgentPatch {
        extra = Extras.copyOf(extra);
    }

    /** Whether the patch changes nothing. */
    public boolean isEmpty() {
        return name == null && type == null && active == null && autoReply == null && provider == null
                && model == null && temperature == null && maxTokens == null && systemPrompt == null
                && extra.isEmpty();
    }

    /** The agent's config with this patch applied. */
    public AgentConfig applyTo(AgentConfig config) {
        Map<String, Object> mergedExtra = new LinkedHashMap<>(config.extra());
        extra.forEach((key, value) -> {
            if (value == null) {
                mergedExtra.remove(key);
            } else {
                mergedExtra.put(key, value);
            }
        });
        return new AgentConfig(config.id(),
                name != null ? name : config.name(),
                type != null ? type : config.type(),
                active != null ? active : config.active(),
                autoReply != null ? autoReply : config.autoReply(),
                provider != null ? provider : config.provider(),
                model != null ? model : config.model(),
                temperature != null ? temperature : config.temperature(),
                maxTokens != null ? maxTokens : config.maxTokens(),
                config.llmCallCount(),
                mergedExtra);
    }

    /** The system prompt after this patch. */
    public String applyToPrompt(String prompt) {
        return systemPrompt != null ? systemPrompt : prompt;
    }
}
