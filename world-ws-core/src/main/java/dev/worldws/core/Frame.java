package dev.worldws.core;

/** An encoded server message and its exact UTF-8 size, computed once however many connections it goes to. */
record Frame(String text, int bytes, long seq) {
    static Frame of(String text, long seq) {
        return new Frame(text, utf8Length(text), seq);
    }

    static int utf8Length(String text) {
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
