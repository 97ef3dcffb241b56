package dev.worldws.api.event;

/** The four channels of world events, as in agent-world: messages, agent streams, world activity, system notices. */
public enum Channel {
    /** A complete chat message from a human, an agent, the world or the system. */
    MESSAGE("message"),
    /** A piece of an agent's streamed reply: start, chunk, end or error. */
    STREAM("stream"),
    /** World activity: turns starting and ending, agents updated, the world reloaded. */
    WORLD("world"),
    /** A notice from the system, such as a turn limit being reached. */
    SYSTEM("system");

    private final String wireName;

    Channel(String wireName) {
        this.wireName = wireName;
    }

    /** The name used on the wire and in {@code event_subscribe} filters. */
    public String wireName() {
        return wireName;
    }
}
