package dev.worldws.core.transport;

import dev.worldws.api.spi.Handshake;
import dev.worldws.core.Limits;
import dev.worldws.core.WorldWsEngine;
import dev.worldws.core.store.WorldStores;
import dev.worldws.testkit.RecordingClient;
import dev.worldws.testkit.TransportContract;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

class InMemoryTransportTest extends TransportContract {
    private WorldWsEngine engine;

    @Override
    protected void startServer(ServerSpec spec) {
        engine = WorldWsEngine.builder()
                .store(WorldStores.inMemory(spec.templates(), Clock.systemUTC()))
                .limits(Limits.defaults().withMaxMessageBytes(spec.maxMessageBytes())
                        .withRate(spec.ratePerSecond(), spec.rateBurst())
                        .withMaxRejectedInARow(spec.maxRejectedInARow()))
                .build();
    }

    @Override
    protected RecordingClient connectClient(Map<String, String> query) {
        RecordingClient recorder = new RecordingClient();
        Map<String, List<String>> parameters = new HashMap<>();
        query.forEach((name, value) -> parameters.put(name, List.of(value)));
        InMemoryClient client = InMemoryTransport.connect(engine, new Handshake(Map.of(), parameters, "in-memory"),
                InMemoryClient.Options.defaults().withListener(new InMemoryClient.Listener() {
                    @Override
                    public void onText(String text) {
                        recorder.onText(text);
                    }

                    @Override
                    public void onClose(int code, String reason) {
                        recorder.onClose(code, reason);
                    }
                }));
        return recorder.attach(new RecordingClient.Socket() {
            @Override
            public void sendText(String text) {
                client.send(text);
            }

            @Override
            public void sendBinary(byte[] data) {
                client.sendBinary(data);
            }

            @Override
            public void close(int code, String reason) {
                client.close(code, reason);
                recorder.onClose(code, reason);
            }
        });
    }

    @Override
    protected int serverConnections() {
        return engine.stats().connections();
    }

    @Override
    protected void stopServer() {
        engine.close();
    }
}
