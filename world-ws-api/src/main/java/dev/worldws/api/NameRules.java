package dev.worldws.api;

/**
 * The one rule every client-supplied name obeys before it may become a path segment.
 *
 * <p>Allowed: 1 to 64 characters from {@code A-Z a-z 0-9 . _ -}, starting with a letter or digit.
 * That excludes {@code .} and {@code ..}, hidden files, separators of every platform, NUL,
 * whitespace and percent-encoding (which is never decoded, so {@code %2e%2e} is simply refused).
 */
final class NameRules {
    static final int MAX_LENGTH = 64;

    private NameRules() {}

    /** Returns {@code value} unchanged or throws {@link InvalidNameException} naming the value and the rule. */
    static String require(String kind, String value) {
        if (value == null) {
            throw new InvalidNameException(kind, "null", "must not be null");
        }
        String broken = brokenRule(value);
        if (broken != null) {
            throw new InvalidNameException(kind, value, broken);
        }
        return value;
    }

    static boolean isValid(String value) {
        return value != null && brokenRule(value) == null;
    }

    private static String brokenRule(String value) {
        if (value.isEmpty()) {
            return "must not be empty";
        }
        if (value.length() > MAX_LENGTH) {
            return "must be at most " + MAX_LENGTH + " characters (has " + value.length() + ")";
        }
        if (value.equals(".") || value.equals("..")) {
            return "must not be '.' or '..'";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '/' || c == '\\') {
                return "must not contain a path separator";
            }
            if (c == '\0') {
                return "must not contain NUL";
            }
            if (c == '%') {
                return "must not contain '%' (percent-encoding is not decoded)";
            }
            if (c == ':') {
                return "must not contain ':' (drive letters and streams are refused)";
            }
            if (!isAllowed(c)) {
                return "may contain only letters, digits, '.', '_' and '-' (found " + describe(c) + " at " + i + ")";
            }
        }
        if (!Character.isLetterOrDigit(value.charAt(0))) {
            return "must start with a letter or digit";
        }
        return null;
    }

    private static boolean isAllowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '-';
    }

    private static String describe(char c) {
        return c < 0x20 || c > 0x7e ? String.format("U+%04X", (int) c) : "'" + c + "'";
    }

    /** Renders a rejected value safely for messages and logs: control characters escaped, long values cut. */
    static String printable(String value) {
        StringBuilder out = new StringBuilder();
        int limit = Math.min(value.length(), 80);
        for (int i = 0; i < limit; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (value.length() > limit) {
            out.append("...");
        }
        return out.toString();
    }
}
