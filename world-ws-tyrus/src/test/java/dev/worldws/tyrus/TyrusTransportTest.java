package dev.worldws.tyrus;

import dev.worldws.core.Limits;
import dev.worldws.core.WorldWsEngine;
import dev.worldws.core.store.WorldStores;
import dev.worldws.testkit.JdkWebSockets;
import dev.worldws.testkit.RecordingClient;
import dev.worldws.testkit.TransportContract;
import java.time.Clock;
import java.util.Map;

/** The transport contract over real loopback sockets: the endpoint on Tyrus/Grizzly. */
class TyrusTransportTest extends TransportContract {
    private WorldWsEngine engine;
    private WorldWsServer server;

    @Override
    protected void startServer(ServerSpec spec) {
        engine = WorldWsEngine.builder()
                .store(WorldStores.inMemory(spec.templates(), Clock.systemUTC()))
                .limits(Limits.defaults().withMaxMessageBytes(spec.maxMessageBytes())
                        .withRate(spec.ratePerSecond(), spec.rateBurst())
                        .withMaxRejectedInARow(spec.maxRejectedInARow()))
                .build();
        server = WorldWsServer.builder(engine).port(0).closeEngineOnStop(true).build().start();
    }

    @Override
    protected RecordingClient connectClient(Map<String, String> query) {
        return JdkWebSockets.connect(server.webSocketUri(), query, Map.of());
    }

    @Override
    protected int serverConnections() {
        return engine.stats().connections();
    }

    @Override
    protected void stopServer() {
        server.stop();
    }
}
