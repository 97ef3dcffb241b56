package dev.worldws.api;

/**
 * A user's id: the owner of worlds. Anonymous users get a generated one.
 *
 * <p>Validated at construction: 1 to 64 characters of letters, digits, {@code .}, {@code _} and {@code -},
 * starting with a letter or digit; so it is always safe as a single path segment.
 *
 * @param value the name itself
 * @throws InvalidNameException if {@code value} breaks the rule; the message names the value and the rule
 */
public record UserId(String value) implements Comparable<UserId> {
    public UserId {
        NameRules.require("user id", value);
    }

    /** Same as the constructor; reads better at call sites. */
    public static UserId of(String value) {
        return new UserId(value);
    }

    /** Whether {@code value} would be accepted, without throwing. */
    public static boolean isValid(String value) {
        return NameRules.isValid(value);
    }

    @Override
    public int compareTo(UserId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
