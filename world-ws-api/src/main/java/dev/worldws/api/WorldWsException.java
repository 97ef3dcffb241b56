package dev.worldws.api;

/**
 * Root of every exception that world-ws throws on purpose. Unchecked: callers decide where to handle.
 * Each subtype maps to one stable error code of the wire protocol ({@link #code()}).
 */
public class WorldWsException extends RuntimeException {
    private final String code;

    public WorldWsException(String code, String message) {
        super(message);
        this.code = code;
    }

    public WorldWsException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The stable wire error code, for example {@code template_not_found}. */
    public String code() {
        return code;
    }
}
