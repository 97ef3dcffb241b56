package dev.worldws.api.event;

import java.util.Locale;

/** How a message's sender is classified by the reply rules (agent-world's {@code determineSenderType}). */
public enum SenderType {
    HUMAN, AGENT, WORLD, SYSTEM;

    /** {@code human}, {@code user} and {@code you} are humans; {@code world} and {@code system} are themselves; anything else is an agent. */
    public static SenderType of(String sender) {
        return switch (sender == null ? "" : sender.toLowerCase(Locale.ROOT)) {
            case "human", "user", "you" -> HUMAN;
            case "world" -> WORLD;
            case "system" -> SYSTEM;
            default -> AGENT;
        };
    }
}
