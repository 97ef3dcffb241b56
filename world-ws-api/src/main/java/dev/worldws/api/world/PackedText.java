package dev.worldws.api.world;

/**
 * Text read in place: a range of packed bytes (Latin-1, or UTF-16 big-endian two bytes a char), or the first chars
 * of a buffer it owns (a message id rebuilt from its 16 bytes). Reused from one item to the next; not thread-safe.
 */
final class PackedText implements CharSequence {
    private byte[] bytes;
    private int from;
    private int length;
    private boolean utf16;
    /** Made on the first id rebuilt from its bytes (a content view never needs one). */
    private char[] chars;
    private boolean inChars;

    void bytes(byte[] source, int at, int count, boolean twoBytesEach) {
        this.bytes = source;
        this.from = at;
        this.length = count;
        this.utf16 = twoBytesEach;
        this.inChars = false;
    }

    /** The buffer to write {@code count} chars into, then {@link #charsWritten}. */
    char[] charsFor(int count) {
        if (chars == null || chars.length < count) {
            chars = new char[Math.max(count, 64)];
        }
        return chars;
    }

    void charsWritten(int count) {
        this.length = count;
        this.inChars = true;
        this.bytes = null;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        if (index < 0 || index >= length) {
            throw new IndexOutOfBoundsException(index);
        }
        if (inChars) {
            return chars[index];
        }
        if (!utf16) {
            return (char) (bytes[from + index] & 0xFF);
        }
        int at = from + 2 * index;
        return (char) (((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF));
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return toString().substring(start, end);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(charAt(i));
        }
        return text.toString();
    }
}
