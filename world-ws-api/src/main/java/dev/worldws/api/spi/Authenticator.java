package dev.worldws.api.spi;

/**
 * Turns a WebSocket handshake into a user identity. Called once per connection, before it opens, on whatever
 * thread the container handshakes on: implementations must be thread-safe and fast (no remote calls without a
 * cache).
 */
@FunctionalInterface
public interface Authenticator {

    /**
     * @return the identity: {@link Identity#known} for an authenticated user, {@link Identity#anonymous()} for a
     *         guest (the core then assigns a generated id or restores one from a resume token)
     * @throws dev.worldws.api.AuthenticationException to refuse the connection; the message says why and reaches
     *         the client
     */
    Identity authenticate(Handshake handshake);

    /** Lets everybody in as an anonymous user. The default. */
    static Authenticator anonymous() {
        return handshake -> Identity.anonymous();
    }
}
