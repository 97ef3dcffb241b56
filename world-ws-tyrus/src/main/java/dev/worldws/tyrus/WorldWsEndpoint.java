package dev.worldws.tyrus;

import dev.worldws.api.protocol.CloseCodes;
import dev.worldws.core.ConnectionHandler;
import dev.worldws.core.Principal;
import dev.worldws.core.WorldWsEngine;
import dev.worldws.core.protocol.Utf8;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The world-ws WebSocket endpoint, written against {@code jakarta.websocket} alone so that it runs unchanged on
 * Tyrus, Jetty, Tomcat or any Jakarta EE container. One instance serves one connection; it gets its engine from
 * the {@link WorldWsEndpoints#config configurator} that created it, never from a static.
 *
 * <p>On open it either closes a connection whose handshake was refused ({@link CloseCodes#UNAUTHORIZED} with the
 * authenticator's reason) or registers it with the engine, then forwards text, binary, pong, close and errors to
 * the engine's {@link ConnectionHandler}. It never blocks a container thread: the handler hands work to the
 * engine's executors.
 *
 * <p>Frame sizes: a text frame larger than {@link WorldWsEngine#maxMessageBytes()} is discarded and reported as
 * {@link ConnectionHandler#onTooLarge} while the connection stays open; the container itself refuses (and closes
 * with 1009) only frames beyond a hard limit of four times that, so a single oversized request costs the client an
 * error, not its connection.
 */
public final class WorldWsEndpoint extends Endpoint {
    private static final System.Logger LOG = System.getLogger(WorldWsEndpoint.class.getName());

    private static final String CONNECTION_KEY = "dev.worldws.tyrus.connection";

    private final WorldWsEngine engine;

    /** Creates the endpoint for one connection; containers obtain it through {@link WorldWsEndpoints#config}. */
    public WorldWsEndpoint(WorldWsEngine engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    /** The container-level frame limit for an engine: frames beyond it are refused by the container itself. */
    static int hardLimit(WorldWsEngine engine) {
        long soft = engine.maxMessageBytes();
        return (int) Math.min(Integer.MAX_VALUE - 1024L, Math.max(soft * 4, soft + 65_536));
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        HandshakeOutcome outcome = HandshakeOutcome.of(session.getUserProperties());
        String remote = outcome.remoteAddress();
        if (outcome.refusal() != null) {
            LOG.log(System.Logger.Level.INFO, () -> "refused connection from " + remote + ": " + outcome.refusal());
            closeQuietly(session, CloseCodes.UNAUTHORIZED, outcome.refusal());
            return;
        }
        // read once; the container would otherwise keep it in the session for the connection's life
        session.getUserProperties().remove(HandshakeOutcome.KEY);
        Principal principal = outcome.principal();
        int hard = hardLimit(engine);
        session.setMaxTextMessageBufferSize(hard);
        session.setMaxBinaryMessageBufferSize(hard);
        // the engine's heartbeat detects dead peers (a container's own ping resets its idle timer). Negative rather
        // than 0, which means the same (no timeout) to the spec, because Tyrus re-arms a timer task for every frame
        // sent or received while the timeout is 0 and only skips it for a negative one
        session.setMaxIdleTimeout(-1);
        SessionTransport sessionTransport = new SessionTransport(session);
        ConnectionHandler opened;
        try {
            opened = engine.open(sessionTransport, principal);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not open connection "
                    + new Connection(sessionTransport, null, principal, remote).who() + ": " + e, e);
            sessionTransport.close(CloseCodes.TRY_AGAIN_LATER, "server cannot accept connections now");
            return;
        }
        Connection connection = new Connection(sessionTransport, opened, principal, remote);
        session.getUserProperties().put(CONNECTION_KEY, connection);
        LOG.log(System.Logger.Level.INFO, () -> "connection opened: " + connection.who());
        int soft = engine.maxMessageBytes();
        session.addMessageHandler(String.class, text -> onText(opened, text, soft));
        session.addMessageHandler(ByteBuffer.class, bytes -> opened.onBinary(bytes.remaining()));
        session.addMessageHandler(PongMessage.class, pong -> opened.onPong());
    }

    private static void onText(ConnectionHandler handler, String text, int limit) {
        // chars <= bytes <= 3 * chars for UTF-8, so only long texts need counting
        if (text.length() > limit) {
            handler.onTooLarge(Utf8.length(text));
            return;
        }
        if ((long) text.length() * 3 > limit) {
            int bytes = Utf8.length(text);
            if (bytes > limit) {
                handler.onTooLarge(bytes);
                return;
            }
        }
        handler.onText(text);
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        Connection connection = connection(session);
        if (connection == null) {
            return;
        }
        connection.transport.closedByContainer();
        if (connection.closeReported.compareAndSet(false, true)) {
            int code = closeReason.getCloseCode().getCode();
            String reason = closeReason.getReasonPhrase();
            LOG.log(System.Logger.Level.INFO, () -> "connection closed: " + connection.who() + " code " + code
                    + (reason == null || reason.isEmpty() ? "" : " (" + reason + ")"));
            connection.handler.onClose(code, reason == null ? "" : reason);
        }
    }

    @Override
    public void onError(Session session, Throwable failure) {
        Connection connection = connection(session);
        String who = connection == null ? "a connection" : connection.who();
        if (isTooBig(failure)) {
            if (connection != null && !connection.closeReported.get()) {
                connection.handler.onTooLarge(-1);
            }
            LOG.log(System.Logger.Level.INFO, () -> who + ": frame over the hard limit (" + failure.getMessage() + ")");
            return;
        }
        // a client going away mid-frame is normal; log it without a stack trace
        LOG.log(System.Logger.Level.DEBUG, () -> who + ": " + failure);
    }

    /**
     * The connection's state lives in the session, not in this instance: some containers call {@code onError} on
     * another instance than the one that was opened.
     */
    private static Connection connection(Session session) {
        Object value = session.getUserProperties().get(CONNECTION_KEY);
        return value instanceof Connection connection ? connection : null;
    }

    /** What an open connection needs; its log name is built only when a line is logged (thousands sit idle). */
    private static final class Connection {
        final SessionTransport transport;
        final ConnectionHandler handler;
        final Principal principal;
        final String remote;
        final AtomicBoolean closeReported = new AtomicBoolean();

        Connection(SessionTransport transport, ConnectionHandler handler, Principal principal, String remote) {
            this.transport = transport;
            this.handler = handler;
            this.principal = principal;
            this.remote = remote;
        }

        String who() {
            return transport.clientId() + " (user " + principal.userId() + (principal.anonymous() ? ", anonymous" : "")
                    + ", from " + remote + ")";
        }
    }

    /** Containers report oversized messages with their own exception types (Tyrus MessageTooBig, Jetty MessageTooLarge). */
    private static boolean isTooBig(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String name = t.getClass().getSimpleName();
            if (name.contains("TooBig") || name.contains("TooLarge")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static void closeQuietly(Session session, int code, String reason) {
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), SessionTransport.truncate(reason)));
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "close failed: " + e);
        }
    }
}
