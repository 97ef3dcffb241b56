package dev.worldws.examples.templates;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.worldws.core.WorldWsEngine;
import dev.worldws.core.store.WorldStores;
import dev.worldws.core.transport.InMemoryClient;
import dev.worldws.core.transport.InMemoryTransport;
import dev.worldws.testkit.RecordingClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample templates played through the real engine with the built-in offline responder: what a visitor of the
 * demo server sees when they say hello.
 */
class SampleConversationTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dataDir;
    private WorldWsEngine engine;
    private InMemoryClient client;
    private int nextId;

    @BeforeEach
    void startEngine() throws IOException {
        List<String> index;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("templates/index.txt")) {
            index = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        }
        for (String file : index) {
            Path target = dataDir.resolve("worlds").resolve(file);
            Files.createDirectories(target.getParent());
            try (InputStream in = getClass().getClassLoader().getResourceAsStream("templates/" + file)) {
                Files.copy(in, target);
            }
        }
        engine = WorldWsEngine.builder().store(WorldStores.files(dataDir)).build();
        client = InMemoryTransport.connect(engine);
        next(); // connected
    }

    @AfterEach
    void stop() {
        if (client.isOpen()) {
            client.close();
        }
        engine.close();
    }

    private String send(String type, Map<String, ?> payload) {
        String id = "r" + (++nextId);
        client.send(RecordingClient.requestFrame(type, id, payload));
        return id;
    }

    private JsonNode next() {
        try {
            String text = client.poll(TIMEOUT);
            if (text == null) {
                throw new AssertionError("timed out waiting for a server message");
            }
            return RecordingClient.parse(text);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Says {@code content} and returns the complete agent replies, in order, until the world is idle after it
     * (an idle event sequenced before the message belongs to an earlier turn).
     */
    private List<JsonNode> say(String content) {
        String id = send("chat_send", Map.of("content", content));
        List<JsonNode> replies = new ArrayList<>();
        long acceptedSeq = Long.MAX_VALUE;
        while (true) {
            JsonNode message = next();
            String type = message.path("type").asText();
            JsonNode payload = message.path("payload");
            if (type.equals("error")) {
                throw new AssertionError("the server answered with an error: " + message);
            }
            if (id.equals(message.path("replyTo").asText())) {
                acceptedSeq = payload.path("data").path("seq").asLong();
            }
            if (type.equals("chat_response") && payload.path("kind").asText().equals("end")) {
                replies.add(payload);
            }
            if (type.equals("event_stream") && payload.path("event").path("type").asText().equals("idle")
                    && message.path("seq").asLong() > acceptedSeq) {
                return replies;
            }
        }
    }

    private void select(String template) {
        String id = send("world_select", Map.of("templateName", template, "worldName", "my-" + template));
        while (true) {
            JsonNode message = next();
            if (id.equals(message.path("replyTo").asText())) {
                assertThat(message.path("type").asText()).as("reply to world_select: %s", message).isEqualTo("world_selected");
                return;
            }
        }
    }

    private static List<String> speakers(List<JsonNode> replies) {
        return replies.stream().map(reply -> reply.path("agentName").asText()).toList();
    }

    @Test
    @DisplayName("coffee-shop: a greeting gets one answer from each agent, then the regular starts a little exchange")
    void coffeeShop() {
        select("coffee-shop");
        List<JsonNode> greeting = say("Good morning! What is good today?");
        assertThat(speakers(greeting)).containsExactlyInAnyOrder("barista", "pastry-chef", "regular-customer");
        assertThat(greeting).allSatisfy(reply -> assertThat(reply.path("content").asText()).doesNotContain("{"));

        List<JsonNode> order = say("A cappuccino, please.");
        Set<String> humanReplies = order.stream().map(reply -> reply.path("replyToMessageId").asText())
                .collect(Collectors.toSet());
        assertThat(humanReplies).as("agents answered each other, not only the human").hasSizeGreaterThan(1);
        assertThat(order).anySatisfy(reply -> assertThat(reply.path("content").asText()).startsWith("@barista"));
        Map<String, Integer> perAgent = new HashMap<>();
        order.forEach(reply -> perAgent.merge(reply.path("agentName").asText(), 1, Integer::sum));
        assertThat(perAgent.values()).as("the turn limit of 3 bounds every agent").allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(3));
    }

    @Test
    @DisplayName("writers-room: everyone answers a prompt and the editor hands over to the poet")
    void writersRoom() {
        select("writers-room");
        List<JsonNode> first = say("Let's write about rainy mornings.");
        assertThat(speakers(first)).contains("editor", "critic", "poet");
        assertThat(speakers(first).stream().filter("poet"::equals).count())
                .as("the poet answers the human and then the editor's request").isEqualTo(2);
        List<JsonNode> second = say("I like the short one.");
        assertThat(second).anySatisfy(reply -> assertThat(reply.path("content").asText())
                .contains("I like the short one."));
    }
}
