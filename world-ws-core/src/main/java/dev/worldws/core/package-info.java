/**
 * The transport-independent engine of world-ws: {@link dev.worldws.core.WorldWsEngine} (built with
 * {@link dev.worldws.core.WorldWsEngine#builder()}) authenticates connections, keeps one runtime per user world,
 * routes world events to the connections that selected the world, runs agents, and enforces heartbeats and
 * {@link dev.worldws.core.Limits}.
 *
 * <p><b>Writing a transport adapter.</b> At the handshake call {@link dev.worldws.core.WorldWsEngine#authenticate}
 * (an {@link dev.worldws.api.AuthenticationException} means: refuse, close {@code 4401}). When the socket opens,
 * call {@link dev.worldws.core.WorldWsEngine#open} with a {@link dev.worldws.api.spi.Transport} over it and feed the
 * returned {@link dev.worldws.core.ConnectionHandler}: text, binary and oversized frames, pongs, and exactly one
 * {@code onClose}. The engine keeps at most one {@code Transport.send} outstanding per connection; complete its
 * stage when the container has written the frame (a {@code SendHandler}), exceptionally if it could not.
 * {@code Transport.close} must be idempotent; the adapter reports the close back through {@code onClose} (the
 * engine tolerates both orders). Configure the container's frame limit from
 * {@link dev.worldws.core.WorldWsEngine#maxMessageBytes()} and do not rely on its idle timeout: the engine runs
 * its own heartbeat through {@code Transport.ping()}. Run {@code dev.worldws.testkit.TransportContract}.
 *
 * <p><b>Threading.</b> Adapters call the handler on their own threads; the engine does only cheap work there
 * (size and rate checks, decoding) and hands everything else to its executor: per world, a serial actor runs
 * store calls, agent replies and state changes in order.
 */
package dev.worldws.core;
