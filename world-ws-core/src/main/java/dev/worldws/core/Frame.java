package dev.worldws.core;

import dev.worldws.core.protocol.Utf8;

/** An encoded server message and its exact UTF-8 size, computed once however many connections it goes to. */
record Frame(String text, int bytes, long seq) {
    static Frame of(String text, long seq) {
        return new Frame(text, Utf8.length(text), seq);
    }
}
