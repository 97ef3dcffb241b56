package dev.worldws.api;

/** A handshake's credential was missing where required, malformed, badly signed or expired. */
public final class AuthenticationException extends WorldWsException {
    public AuthenticationException(String message) {
        super("unauthorized", message);
    }

    public AuthenticationException(String message, Throwable cause) {
        super("unauthorized", message, cause);
    }
}
