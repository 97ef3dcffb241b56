package dev.worldws.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.worldws.core.store.WorldStores;
import dev.worldws.testkit.SampleWorlds;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("an engine with default settings")
class EngineDefaultsTest {

    @Test
    @DisplayName("runs with nothing configured: anonymous users, an empty store")
    void nothingConfigured() {
        try (WorldWsEngine engine = WorldWsEngine.builder().build();
                WireClient client = WireClient.connect(engine)) {
            assertThat(client.connected.path("payload").path("anonymous").asBoolean()).isTrue();
            assertThat(client.connected.path("payload").path("maxMessageBytes").asInt()).isEqualTo(64 * 1024);
            String id = client.send("world_select", Map.of("templateName", "garden", "worldName", "g"));
            JsonNode error = client.next();
            assertThat(error.path("replyTo").asText()).isEqualTo(id);
            assertThat(error.path("payload").path("code").asText()).isEqualTo("template_not_found");
        }
    }

    @Test
    @DisplayName("given only a store, agents answer offline with the built-in responder")
    void offlineAgents() {
        try (WorldWsEngine engine = WorldWsEngine.builder()
                .store(WorldStores.inMemory(SampleWorlds.templates(), Clock.systemUTC())).build();
                WireClient client = WireClient.connect(engine)) {
            client.select("garden", "my-garden");
            client.chat("hello there");
            List<String> ends = client.untilIdle().stream()
                    .filter(m -> m.path("payload").path("kind").asText().equals("end"))
                    .map(m -> m.path("payload").path("agentName").asText() + ": " + m.path("payload").path("content").asText())
                    .toList();
            assertThat(ends).containsExactly("gardener: Hello human.", "poet: Hello human.");
        }
    }
}
