package dev.worldws.api;

/** A user, world, template or agent name broke the naming rule; the message names the value and the rule. */
public final class InvalidNameException extends WorldWsException {
    private final String kind;
    private final String value;

    public InvalidNameException(String kind, String value, String rule) {
        super("invalid_name", "invalid " + kind + " \"" + NameRules.printable(value) + "\": " + rule);
        this.kind = kind;
        this.value = value;
    }

    /** What the name was for: {@code "user id"}, {@code "world name"}, {@code "template name"} or {@code "agent id"}. */
    public String kind() {
        return kind;
    }

    /** The rejected value, unescaped. */
    public String value() {
        return value;
    }
}
