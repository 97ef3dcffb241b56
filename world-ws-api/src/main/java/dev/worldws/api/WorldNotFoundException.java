package dev.worldws.api;

/** The user has no world of that name. */
public final class WorldNotFoundException extends WorldWsException {
    public WorldNotFoundException(String message) {
        super("world_not_found", message);
    }

    public WorldNotFoundException(String message, Throwable cause) {
        super("world_not_found", message, cause);
    }
}
