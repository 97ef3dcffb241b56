package dev.worldws.api;

/**
 * The name of one of a user's worlds, unique per user; also its folder name.
 *
 * <p>Validated at construction: 1 to 64 characters of letters, digits, {@code .}, {@code _} and {@code -},
 * starting with a letter or digit; so it is always safe as a single path segment.
 *
 * @param value the name itself
 * @throws InvalidNameException if {@code value} breaks the rule; the message names the value and the rule
 */
public record WorldName(String value) implements Comparable<WorldName> {
    public WorldName {
        NameRules.require("world name", value);
    }

    /** Same as the constructor; reads better at call sites. */
    public static WorldName of(String value) {
        return new WorldName(value);
    }

    /** Whether {@code value} would be accepted, without throwing. */
    public static boolean isValid(String value) {
        return NameRules.isValid(value);
    }

    @Override
    public int compareTo(WorldName other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
