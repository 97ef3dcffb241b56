package dev.worldws.api.protocol;

import java.util.Map;

/**
 * An agent as clients see it: its configuration, system prompt and memory size. Fields of {@code extra} whose
 * name suggests a credential ({@code apiKey}, {@code token}, {@code secret}, {@code password}) are never sent.
 *
 * @param memorySize how many items the agent's memory holds
 */
public record AgentView(String id, String name, String type, boolean active, boolean autoReply, String provider,
        String model, Double temperature, Integer maxTokens, int llmCallCount, String systemPrompt, Integer memorySize,
        Map<String, Object> extra) {
}
