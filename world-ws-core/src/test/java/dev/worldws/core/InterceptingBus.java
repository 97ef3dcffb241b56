package dev.worldws.core;

import dev.worldws.api.WorldKey;
import dev.worldws.api.event.WorldEvent;
import dev.worldws.api.spi.EventBus;
import dev.worldws.api.spi.EventSubscriber;
import dev.worldws.api.spi.StreamPosition;
import dev.worldws.api.spi.Subscription;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A real bus with a hook before each publish (to throw, or to make something happen at that exact moment), and a
 * record of the events it sequenced, in order.
 */
final class InterceptingBus implements EventBus {
    private final EventBus delegate;
    private volatile UnaryOperator<WorldEvent> beforePublish = UnaryOperator.identity();
    final List<WorldEvent> sequenced = new CopyOnWriteArrayList<>();

    InterceptingBus(EventBus delegate) {
        this.delegate = delegate;
    }

    /** Runs {@code hook} on the publishing thread before each event reaches the real bus; it may throw. */
    void beforePublish(UnaryOperator<WorldEvent> hook) {
        beforePublish = hook;
    }

    @Override
    public CompletionStage<WorldEvent> publish(WorldEvent event) {
        return delegate.publish(beforePublish.apply(event)).whenComplete((published, failure) -> {
            if (published != null) {
                sequenced.add(published);
            }
        });
    }

    @Override
    public Subscription subscribe(WorldKey topic, Predicate<? super WorldEvent> filter, EventSubscriber subscriber) {
        return delegate.subscribe(topic, filter, subscriber);
    }

    @Override
    public StreamPosition position(WorldKey topic) {
        return delegate.position(topic);
    }

    @Override
    public Optional<List<WorldEvent>> eventsSince(WorldKey topic, StreamPosition position) {
        return delegate.eventsSince(topic, position);
    }

    @Override
    public void forget(WorldKey topic) {
        delegate.forget(topic);
    }

    @Override
    public int activeSubscriptions() {
        return delegate.activeSubscriptions();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
