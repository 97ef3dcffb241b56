package dev.worldws.core.protocol;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Arrays;

/**
 * Appends compact JSON to a growing {@code char[]}, with exactly the text Jackson's default generator writes:
 * strings escape {@code "}, {@code \} and the control characters below U+0020 ({@code \b \t \n \f \r} short, the
 * others as {@code \}{@code u00XX} in upper-case hex) and nothing else; doubles as {@link Double#toString(double)},
 * quoted when not finite. Like Jackson it copies a string in with {@link String#getChars} and scans the copy, so the
 * usual string (nothing to escape) costs one bulk copy and one pass. Tracks only whether the next value needs a
 * comma, which is all a writer that never looks back needs.
 *
 * <p>Not thread-safe; {@link #reset()} makes it ready for the next message, keeping its buffer.
 */
final class JsonText {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private char[] buffer;
    private int length;
    private boolean needsComma;

    JsonText(int capacity) {
        buffer = new char[capacity];
    }

    void reset() {
        length = 0;
        needsComma = false;
    }

    int capacity() {
        return buffer.length;
    }

    /** The text written since the last {@link #reset()}. */
    String text() {
        return new String(buffer, 0, length);
    }

    JsonText startObject() {
        separate();
        put('{');
        needsComma = false;
        return this;
    }

    JsonText endObject() {
        put('}');
        needsComma = true;
        return this;
    }

    JsonText startArray() {
        separate();
        put('[');
        needsComma = false;
        return this;
    }

    JsonText endArray() {
        put(']');
        needsComma = true;
        return this;
    }

    /** A field name known to need no escaping (a protocol field: ASCII letters). */
    JsonText name(String name) {
        separate();
        int n = name.length();
        ensure(n + 3);
        buffer[length++] = '"';
        name.getChars(0, n, buffer, length);
        length += n;
        buffer[length++] = '"';
        buffer[length++] = ':';
        needsComma = false;
        return this;
    }

    /** A field name from data (a map key), escaped. */
    JsonText escapedName(String name) {
        separate();
        quoted(name);
        put(':');
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
        if (value >= 0) {
            int digits = 1;
            for (long rest = value / 10; rest > 0; rest /= 10) {
                digits++;
            }
            ensure(digits);
            int at = length + digits;
            long rest = value;
            do {
                buffer[--at] = (char) ('0' + rest % 10);
                rest /= 10;
            } while (rest > 0);
            length += digits;
        } else {
            put(Long.toString(value));
        }
        needsComma = true;
        return this;
    }

    JsonText value(boolean value) {
        separate();
        put(value ? "true" : "false");
        needsComma = true;
        return this;
    }

    JsonText value(double value) {
        separate();
        if (Double.isFinite(value)) {
            put(Double.toString(value));
        } else {
            put('"');
            put(Double.toString(value));
            put('"');
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

    /** An instant as {@code Instant.toString()} gives it, quoted. */
    JsonText value(Instant value) {
        separate();
        ensure(IsoInstants.MAX_CHARS + 2);
        buffer[length++] = '"';
        int end = IsoInstants.write(value, buffer, length);
        if (end < 0) {
            put(value.toString());
        } else {
            length = end;
        }
        put('"');
        needsComma = true;
        return this;
    }

    JsonText nullValue() {
        return raw("null");
    }

    /** A complete JSON value written by someone else. */
    JsonText raw(String json) {
        separate();
        put(json);
        needsComma = true;
        return this;
    }

    private void separate() {
        if (needsComma) {
            put(',');
        }
    }

    private void ensure(int more) {
        if (length + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }

    private void put(char c) {
        ensure(1);
        buffer[length++] = c;
    }

    private void put(String text) {
        int n = text.length();
        ensure(n);
        text.getChars(0, n, buffer, length);
        length += n;
    }

    private void quoted(String text) {
        int n = text.length();
        ensure(n + 2);
        buffer[length++] = '"';
        int start = length;
        text.getChars(0, n, buffer, start);
        int end = start + n;
        for (int i = start; i < end; i++) {
            char c = buffer[i];
            if (c < 0x20 || c == '"' || c == '\\') {
                length = i;
                escapedFrom(text, i - start);
                put('"');
                return;
            }
        }
        length = end;
        buffer[length++] = '"';
    }

    /** The rest of {@code text} from {@code from} (a character that needs escaping), escaped. */
    private void escapedFrom(String text, int from) {
        int n = text.length();
        for (int i = from; i < n; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                put(c);
                continue;
            }
            ensure(6);
            buffer[length++] = '\\';
            switch (c) {
                case '"', '\\' -> buffer[length++] = c;
                case '\b' -> buffer[length++] = 'b';
                case '\t' -> buffer[length++] = 't';
                case '\n' -> buffer[length++] = 'n';
                case '\f' -> buffer[length++] = 'f';
                case '\r' -> buffer[length++] = 'r';
                default -> {
                    buffer[length++] = 'u';
                    buffer[length++] = '0';
                    buffer[length++] = '0';
                    buffer[length++] = HEX[c >> 4];
                    buffer[length++] = HEX[c & 0xF];
                }
            }
        }
    }
}
