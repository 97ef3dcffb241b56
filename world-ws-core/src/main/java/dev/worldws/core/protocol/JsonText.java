package dev.worldws.core.protocol;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Appends compact JSON to a {@link StringBuilder}, with exactly the text Jackson's default generator writes: strings
 * escape {@code "}, {@code \} and the control characters below U+0020 ({@code \b \t \n \f \r} short, the others as
 * {@code \}{@code u00XX} in upper-case hex) and nothing else; doubles as {@link Double#toString(double)}, quoted
 * when not finite. Tracks only whether the next value needs a comma, which is all a writer that never looks back
 * needs. Not thread-safe; one per encoding.
 */
final class JsonText {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final StringBuilder out;
    private boolean needsComma;

    JsonText(StringBuilder out) {
        this.out = out;
    }

    JsonText startObject() {
        separate();
        out.append('{');
        needsComma = false;
        return this;
    }

    JsonText endObject() {
        out.append('}');
        needsComma = true;
        return this;
    }

    JsonText startArray() {
        separate();
        out.append('[');
        needsComma = false;
        return this;
    }

    JsonText endArray() {
        out.append(']');
        needsComma = true;
        return this;
    }

    /** A field name known to need no escaping (a protocol field: ASCII letters). */
    JsonText name(String name) {
        separate();
        out.append('"').append(name).append("\":");
        needsComma = false;
        return this;
    }

    /** A field name from data (a map key), escaped. */
    JsonText escapedName(String name) {
        separate();
        quoted(name);
        out.append(':');
        needsComma = false;
        return this;
    }

    JsonText value(String value) {
        separate();
        quoted(value);
        needsComma = true;
        return this;
    }

    JsonText value(long value) {
        separate();
        out.append(value);
        needsComma = true;
        return this;
    }

    JsonText value(boolean value) {
        separate();
        out.append(value);
        needsComma = true;
        return this;
    }

    JsonText value(double value) {
        separate();
        if (Double.isFinite(value)) {
            out.append(Double.toString(value));
        } else {
            out.append('"').append(Double.toString(value)).append('"');
        }
        needsComma = true;
        return this;
    }

    JsonText value(BigDecimal value) {
        return raw(value.toString());
    }

    JsonText value(BigInteger value) {
        return raw(value.toString());
    }

    JsonText nullValue() {
        return raw("null");
    }

    /** A complete JSON value written by someone else. */
    JsonText raw(String json) {
        separate();
        out.append(json);
        needsComma = true;
        return this;
    }

    private void separate() {
        if (needsComma) {
            out.append(',');
        }
    }

    private void quoted(String text) {
        out.append('"');
        int length = text.length();
        int clean = 0;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                out.append(text, clean, i);
                escape(c);
                clean = i + 1;
            }
        }
        out.append(text, clean, length);
        out.append('"');
    }

    private void escape(char c) {
        out.append('\\');
        switch (c) {
            case '"', '\\' -> out.append(c);
            case '\b' -> out.append('b');
            case '\t' -> out.append('t');
            case '\n' -> out.append('n');
            case '\f' -> out.append('f');
            case '\r' -> out.append('r');
            default -> out.append("u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
        }
    }
}
