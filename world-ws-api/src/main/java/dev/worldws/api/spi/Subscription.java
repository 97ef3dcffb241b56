package dev.worldws.api.spi;

/** An open subscription to an event bus topic. */
public interface Subscription extends AutoCloseable {
    /** Stops delivery; idempotent. When it returns, the subscriber is not called again. */
    @Override
    void close();

    /** Whether events are still being delivered. */
    boolean isActive();
}
