package dev.worldws.api.protocol;

/** The WebSocket close codes the server uses, and what a client should do on each. */
public final class CloseCodes {
    /** Normal close, asked for by either side. Do not reconnect. */
    public static final int NORMAL = 1000;
    /** The server is shutting down. Reconnect with backoff (another instance will take over). */
    public static final int GOING_AWAY = 1001;
    /** A binary frame or a protocol violation. Fix the client; do not reconnect blindly. */
    public static final int UNSUPPORTED_DATA = 1003;
    /** A frame larger than the server's limit. */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** An unexpected server error. Reconnect with backoff. */
    public static final int INTERNAL_ERROR = 1011;
    /** Policy violation: sustained flooding after {@code rate_limited} errors. Reconnect later, slower. */
    public static final int POLICY_VIOLATION = 1008;
    /** The credential was refused at the handshake. Get a new token before reconnecting. */
    public static final int UNAUTHORIZED = 4401;
    /** No sign of life within the heartbeat timeout. Reconnect. */
    public static final int HEARTBEAT_TIMEOUT = 4408;
    /** The client did not read fast enough and its outbound queue overflowed. Reconnect and resume. */
    public static final int SLOW_CONSUMER = 4409;
    /** The server has too many connections. Reconnect later with backoff. */
    public static final int TRY_AGAIN_LATER = 1013;

    private CloseCodes() {}
}
