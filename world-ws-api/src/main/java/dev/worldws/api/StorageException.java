package dev.worldws.api;

/** Reading or writing stored worlds failed (disk full, permissions, I/O); stored data is left as it was. */
public final class StorageException extends WorldWsException {
    public StorageException(String message) {
        super("storage_error", message);
    }

    public StorageException(String message, Throwable cause) {
        super("storage_error", message, cause);
    }
}
