/**
 * The service provider interfaces of world-ws. Each is small and states its contract (threading, ordering,
 * errors) in its javadoc; each has a contract suite in {@code world-ws-testkit} that every implementation runs.
 * <ul>
 *   <li>{@link dev.worldws.api.spi.WorldStore}: templates and users' worlds;</li>
 *   <li>{@link dev.worldws.api.spi.EventBus}: sequenced, ordered world events with bounded history;</li>
 *   <li>{@link dev.worldws.api.spi.Transport}: one client connection;</li>
 *   <li>{@link dev.worldws.api.spi.AgentResponder}: an agent's streamed reply;</li>
 *   <li>{@link dev.worldws.api.spi.Authenticator}: handshake to identity.</li>
 * </ul>
 */
package dev.worldws.api.spi;
