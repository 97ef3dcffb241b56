package dev.worldws.core;

/**
 * A snapshot of the engine's counters.
 *
 * @param connections open connections now
 * @param worldsLoaded world runtimes loaded now, counting those still writing their last changes as they unload
 * @param messagesIn frames received since start
 * @param messagesOut frames sent since start
 * @param errors error replies sent since start
 * @param bytesIn text bytes received since start
 * @param bytesOut text bytes sent since start
 * @param dropped outbound messages dropped (slow consumers) since start
 * @param busSubscriptions event bus subscriptions open through this engine now
 */
public record EngineStats(int connections, int worldsLoaded, long messagesIn, long messagesOut, long errors,
        long bytesIn, long bytesOut, long dropped, int busSubscriptions) {
}
