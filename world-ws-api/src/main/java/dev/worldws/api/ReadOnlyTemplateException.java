package dev.worldws.api;

/** A write was aimed at the read-only templates; templates are never written. */
public final class ReadOnlyTemplateException extends WorldWsException {
    public ReadOnlyTemplateException(String message) {
        super("read_only_template", message);
    }

    public ReadOnlyTemplateException(String message, Throwable cause) {
        super("read_only_template", message, cause);
    }
}
