package dev.worldws.core.bus;

import dev.worldws.api.spi.EventBus;
import dev.worldws.testkit.EventBusContract;
import java.time.Clock;
import java.time.Duration;

/** The in-process bus passes the whole EventBus contract. */
class InProcessEventBusTest extends EventBusContract {
    @Override
    protected EventBus createBus(Clock clock, int historySize, Duration historyTtl) {
        return EventBuses.inProcess(clock, historySize, historyTtl);
    }
}
