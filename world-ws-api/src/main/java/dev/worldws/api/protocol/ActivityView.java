package dev.worldws.api.protocol;

import java.util.List;

/**
 * World activity in an {@code event_stream} of type {@code world}: {@code response-start}, {@code response-end}
 * or {@code idle} (the exchange is over).
 */
public record ActivityView(String type, String chatId, int pendingOperations, List<String> activeAgents)
        implements EventView {
    public ActivityView {
        activeAgents = List.copyOf(activeAgents);
    }
}
