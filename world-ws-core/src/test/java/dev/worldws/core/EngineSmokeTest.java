package dev.worldws.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.worldws.core.store.WorldStores;
import dev.worldws.testkit.SampleWorlds;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EngineSmokeTest {
    private final WorldWsEngine engine = WorldWsEngine.builder()
            .store(WorldStores.inMemory(SampleWorlds.templates(), Clock.systemUTC()))
            .build();

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void chatGetsStreamedRepliesFromBothAgents() {
        try (WireClient client = WireClient.connect(engine)) {
            assertThat(client.connected.path("type").asText()).isEqualTo("connected");
            JsonNode selected = client.select("garden", "my-garden");
            assertThat(selected.path("payload").path("agents")).hasSize(2);
            client.chat("hello there");
            List<JsonNode> messages = client.untilIdle();
            List<String> ends = messages.stream()
                    .filter(m -> m.path("type").asText().equals("chat_response"))
                    .filter(m -> m.path("payload").path("kind").asText().equals("end"))
                    .map(m -> m.path("payload").path("agentName").asText() + ":" + m.path("payload").path("content").asText())
                    .toList();
            assertThat(ends).containsExactly("gardener:Hello human.", "poet:Hello human.");
        }
    }
}
