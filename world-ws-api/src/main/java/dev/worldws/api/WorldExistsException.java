package dev.worldws.api;

/** A world of that name already exists for the user, so it cannot be created again. */
public final class WorldExistsException extends WorldWsException {
    public WorldExistsException(String message) {
        super("world_exists", message);
    }

    public WorldExistsException(String message, Throwable cause) {
        super("world_exists", message, cause);
    }
}
