package dev.worldws.api.spi;

import dev.worldws.api.event.WorldEvent;

/** Receives the events of a topic, in sequence order, never concurrently with itself; must not block. */
@FunctionalInterface
public interface EventSubscriber {
    void onEvent(WorldEvent event);
}
