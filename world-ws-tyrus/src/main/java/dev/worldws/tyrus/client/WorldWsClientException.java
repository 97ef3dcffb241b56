package dev.worldws.tyrus.client;

import dev.worldws.api.WorldWsException;

/**
 * A request of {@link WorldWsClient} failed: the server answered with an {@code error} ({@link #code()} is its
 * stable error code, for example {@code template_not_found}), or the client could not deliver the request or get
 * its answer ({@link #CONNECTION_LOST}, {@link #NOT_CONNECTED}, {@link #TIMEOUT}, {@link #CLOSED}).
 */
public final class WorldWsClientException extends WorldWsException {
    /** The connection dropped before the answer arrived; the request may or may not have been applied. */
    public static final String CONNECTION_LOST = "connection_lost";
    /** The client was not connected (it may be reconnecting); the request was not sent. */
    public static final String NOT_CONNECTED = "not_connected";
    /** No answer arrived within the request timeout. */
    public static final String TIMEOUT = "timeout";
    /** The client was closed. */
    public static final String CLOSED = "client_closed";

    private final String requestId;

    public WorldWsClientException(String code, String message, String requestId) {
        super(code, message);
        this.requestId = requestId;
    }

    public WorldWsClientException(String code, String message, String requestId, Throwable cause) {
        super(code, message, cause);
        this.requestId = requestId;
    }

    /** The id of the failed request, or {@code null}. */
    public String requestId() {
        return requestId;
    }
}
