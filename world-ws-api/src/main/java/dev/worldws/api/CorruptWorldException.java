package dev.worldws.api;

/** A stored file could not be parsed; the message names the file, which is left untouched. */
public final class CorruptWorldException extends WorldWsException {
    public CorruptWorldException(String message) {
        super("corrupt_world", message);
    }

    public CorruptWorldException(String message, Throwable cause) {
        super("corrupt_world", message, cause);
    }
}
