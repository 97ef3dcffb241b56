package dev.worldws.core.protocol;

/**
 * The size of text in UTF-8, counted without encoding it: what a WebSocket text frame carries, for the byte limits
 * of the core (outbound queues) and of transports (inbound frames). Thread-safe, allocation-free.
 */
public final class Utf8 {
    private Utf8() {}

    /**
     * The number of bytes {@code text} takes in UTF-8, exactly {@code text.toString().getBytes(UTF_8).length}: a
     * surrogate pair is four bytes, a lone surrogate one (it is encoded as {@code '?'}).
     */
    public static int length(CharSequence text) {
        int length = text.length();
        int bytes = length;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                    bytes += 2;
                    i++;
                } else if (!Character.isSurrogate(c)) {
                    bytes += 2;
                } // a lone surrogate is encoded as '?': one byte
            }
        }
        return bytes;
    }
}
