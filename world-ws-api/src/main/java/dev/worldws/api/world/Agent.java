package dev.worldws.api.world;

import dev.worldws.api.AgentId;
import java.util.List;
import java.util.Objects;

/**
 * An agent as stored: its config, its system prompt ({@code system-prompt.md}) and its memory ({@code memory.json}).
 * The memory keeps its items packed, like a world's event log: see {@link World}.
 */
public record Agent(AgentConfig config, String systemPrompt, List<MemoryItem> memory) {
    public Agent {
        Objects.requireNonNull(config, "config");
        systemPrompt = systemPrompt == null ? "" : systemPrompt;
        memory = GrowingList.copyOf(memory, MemoryItemCodec.INSTANCE);
    }

    public AgentId id() {
        return config.id();
    }

    public Agent withConfig(AgentConfig newConfig) {
        return new Agent(newConfig, systemPrompt, memory);
    }

    public Agent withSystemPrompt(String prompt) {
        return new Agent(config, prompt, memory);
    }

    /**
     * A copy with {@code item} appended to the memory, in amortised constant time: the new memory shares its storage
     * with this one (which stays unchanged).
     */
    public Agent remember(MemoryItem item) {
        return new Agent(config, systemPrompt, ((GrowingList<MemoryItem>) memory).plus(item, MemoryItemCodec.INSTANCE));
    }
}
