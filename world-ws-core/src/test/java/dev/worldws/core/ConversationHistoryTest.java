package dev.worldws.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.worldws.api.AgentId;
import dev.worldws.api.WorldKey;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.api.world.World;
import dev.worldws.core.store.TemplateFolders;
import dev.worldws.core.store.WorldStores;
import dev.worldws.testkit.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("the conversation is kept: event log, chats, history in world_selected")
class ConversationHistoryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<WorldWsEngine> engines = new ArrayList<>();

    @TempDir
    Path dataDir;

    private WorldWsEngine start(WorldWsEngineBuilder builder) {
        WorldWsEngine engine = builder.authenticator(TestWorlds.BY_HEADER)
                .limits(Limits.defaults().withRate(100_000, 100_000)).build();
        engines.add(engine);
        return engine;
    }

    @AfterEach
    void close() {
        engines.forEach(WorldWsEngine::close);
    }

    private WorldStore fileStore() {
        TemplateFolders.write(dataDir, TestWorlds.templates());
        return WorldStores.files(dataDir);
    }

    private static List<String> lines(JsonNode history) {
        List<String> lines = new ArrayList<>();
        history.forEach(m -> lines.add(m.path("sender").asText() + ": " + m.path("content").asText()));
        return lines;
    }

    @Test
    @DisplayName("a known user who comes back after a restart sees the conversation, stored in agent-world's format")
    void survivesRestart() throws Exception {
        WorldStore store = fileStore();
        WorldWsEngine first = start(WorldWsEngine.builder().store(store));
        WireClient hugo = WireClient.connect(first, TestWorlds.user("hugo"));
        JsonNode fresh = hugo.select("workshop", "w").path("payload");
        assertThat(fresh.path("historyChatId").asText()).isEqualTo("chat-1");
        assertThat(lines(fresh.path("history"))).as("the template's own log")
                .containsExactly("human: Hello, world\nsecond line", "smith: Hello yourself");
        assertThat(fresh.path("historyHasMore").asBoolean()).isFalse();
        String accepted = hugo.chat("hello smith").path("payload").path("data").path("messageId").asText();
        hugo.untilIdle();
        first.shutdown(Duration.ZERO).toCompletableFuture().get(10, TimeUnit.SECONDS);

        Path worldDir = dataDir.resolve("users/hugo/worlds/w");
        JsonNode chat = JSON.readTree(Files.readString(worldDir.resolve("chats/chat-1.json")));
        assertThat(chat.path("messageCount").asInt()).isEqualTo(4);
        JsonNode events = JSON.readTree(Files.readString(worldDir.resolve("events/chat-1.json")));
        assertThat(events).hasSize(4);
        assertThat(events.get(2).path("id").asText()).isEqualTo(accepted);
        assertThat(events.get(2).path("type").asText()).isEqualTo("message");
        assertThat(events.get(2).path("payload").path("content").asText()).isEqualTo("hello smith");
        assertThat(events.get(2).path("seq").asLong()).isEqualTo(3);
        assertThat(events.get(3).path("payload").path("sender").asText()).isEqualTo("smith");
        assertThat(events.get(3).path("payload").path("replyToMessageId").asText()).isEqualTo(accepted);
        assertThat(events.get(3).path("seq").asLong()).isEqualTo(4);

        WorldWsEngine second = start(WorldWsEngine.builder().store(WorldStores.files(dataDir)));
        WireClient back = WireClient.connect(second, TestWorlds.user("hugo"));
        JsonNode selected = back.select("workshop", "w").path("payload");
        assertThat(selected.path("created").asBoolean()).isFalse();
        JsonNode history = selected.path("history");
        assertThat(lines(history)).containsExactly("human: Hello, world\nsecond line", "smith: Hello yourself",
                "human: hello smith", "smith: Hello human.");
        assertThat(history.get(2).path("messageId").asText()).isEqualTo(accepted);
        assertThat(history.get(2).path("senderType").asText()).isEqualTo("human");
        assertThat(history.get(3).path("senderType").asText()).isEqualTo("agent");
        assertThat(history.get(3).path("replyToMessageId").asText()).isEqualTo(accepted);
        assertThat(history.get(3).path("createdAt").asText()).isNotEmpty();

        back.chat("again");
        back.untilIdle();
        second.shutdown(Duration.ZERO).toCompletableFuture().get(10, TimeUnit.SECONDS);
        JsonNode later = JSON.readTree(Files.readString(worldDir.resolve("events/chat-1.json")));
        List<Long> seqs = new ArrayList<>();
        later.forEach(event -> seqs.add(event.path("seq").asLong()));
        assertThat(seqs).as("seq keeps counting across restarts").containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(JSON.readTree(Files.readString(worldDir.resolve("chats/chat-1.json"))).path("messageCount").asInt())
                .isEqualTo(6);
    }

    @Test
    @DisplayName("a new chat gets its chat file and event log with its first message; stream chunks are not logged")
    void newChat() throws Exception {
        WorldStore store = fileStore();
        WorldWsEngine engine = start(WorldWsEngine.builder().store(store));
        WireClient ivy = WireClient.connect(engine, TestWorlds.user("ivy"));
        ivy.select("garden", "g");
        String refused = ivy.send("chat_send", Map.of("content", "hi", "chatId", "no spaces please"));
        JsonNode error = ivy.nextMatching(m -> refused.equals(m.path("replyTo").asText()));
        assertThat(error.path("payload").path("code").asText()).as("chat ids become file names").isEqualTo("invalid_name");
        String id = ivy.send("chat_send", Map.of("content", "@poet a verse please", "chatId", "verses"));
        ivy.nextMatching(m -> id.equals(m.path("replyTo").asText()));
        List<JsonNode> exchange = ivy.untilIdle();
        assertThat(exchange.stream().filter(m -> m.path("type").asText().equals("chat_response")).count())
                .as("the reply streamed in several steps").isGreaterThan(2);
        engine.shutdown(Duration.ZERO).toCompletableFuture().get(10, TimeUnit.SECONDS);

        World stored = store.load(WorldKey.of("ivy", "g"));
        assertThat(stored.chats()).extracting(c -> c.id() + "=" + c.messageCount())
                .containsExactly("chat-1=2", "verses=2");
        assertThat(stored.events().stream().filter(e -> e.chatId().equals("verses")))
                .extracting(e -> e.seq() + " " + e.type() + " " + e.payload().get("sender"))
                .containsExactly("1 message human", "2 message poet");
    }

    @Test
    @DisplayName("history holds the last N messages of the current chat; a recovered resume gets none")
    void limitedHistory() {
        WorldStore store = WorldStores.inMemory(TestWorlds.templates(), Clock.systemUTC());
        WorldWsEngine engine = start(WorldWsEngine.builder().store(store).historyLimit(3));
        WireClient jo = WireClient.connect(engine, TestWorlds.user("jo"));
        jo.select("workshop", "w");
        jo.chat("one");
        jo.untilIdle();
        jo.chat("two");
        jo.untilIdle();

        WireClient other = WireClient.connect(engine, TestWorlds.user("jo"));
        JsonNode selected = other.select("workshop", "w").path("payload");
        assertThat(lines(selected.path("history")))
                .containsExactly("smith: Hello human.", "human: two", "smith: You said: two");
        assertThat(selected.path("historyHasMore").asBoolean()).isTrue();

        String id = other.send("world_select", Map.of("templateName", "workshop", "worldName", "w",
                "resumeFrom", selected.path("seq").asLong(), "epoch", selected.path("epoch").asText()));
        JsonNode resumed = other.nextMatching(m -> id.equals(m.path("replyTo").asText())).path("payload");
        assertThat(resumed.path("recovered").asBoolean()).isTrue();
        assertThat(resumed.has("history")).as("the client keeps its conversation").isFalse();
        assertThat(resumed.has("historyHasMore")).isFalse();
    }

    @Test
    @DisplayName("coming back while the bus still holds the events: each message once, in order")
    void reselectWithinReplayWindow() {
        WorldStore store = WorldStores.inMemory(TestWorlds.templates(), Clock.systemUTC());
        WorldWsEngine engine = start(WorldWsEngine.builder().store(store).historyLimit(3));
        WireClient first = WireClient.connect(engine, TestWorlds.user("nora"));
        first.select("workshop", "w");
        for (String text : List.of("one", "two", "three")) {
            first.chat(text);
            first.untilIdle();
        }
        first.close();
        Await.until("the world is unloaded", () -> engine.stats().worldsLoaded() == 0);

        WireClient back = WireClient.connect(engine, TestWorlds.user("nora"));
        assertThat(lines(back.select("workshop", "w").path("payload").path("history")))
                .containsExactly("smith: You said: two", "human: three", "smith: Hello human.");
    }

    @Test
    @DisplayName("chat_history pages back through a chat, oldest first, until hasMore is false")
    void paging() {
        WorldStore store = WorldStores.inMemory(TestWorlds.templates(), Clock.systemUTC());
        WorldWsEngine engine = start(WorldWsEngine.builder().store(store).historyLimit(2));
        WireClient max = WireClient.connect(engine, TestWorlds.user("max"));
        max.select("workshop", "w");
        for (String text : List.of("one", "two", "three")) {
            max.chat(text);
            max.untilIdle();
        }
        List<String> pagedBack = new ArrayList<>();
        String before = null;
        List<Boolean> hasMore = new ArrayList<>();
        do {
            Map<String, Object> request = before == null ? Map.of("limit", 3) : Map.of("limit", 3, "before", before);
            String id = max.send("chat_history", request);
            JsonNode page = max.nextMatching(m -> id.equals(m.path("replyTo").asText()));
            assertThat(page.path("type").asText()).isEqualTo("chat_history");
            assertThat(page.path("payload").path("chatId").asText()).isEqualTo("chat-1");
            List<String> lines = lines(page.path("payload").path("messages"));
            pagedBack.addAll(0, lines);
            hasMore.add(page.path("payload").path("hasMore").asBoolean());
            before = page.path("payload").path("messages").get(0).path("messageId").asText();
        } while (hasMore.get(hasMore.size() - 1));
        assertThat(hasMore).containsExactly(true, true, false);
        assertThat(pagedBack).containsExactly("human: Hello, world\nsecond line", "smith: Hello yourself",
                "human: one", "smith: Hello human.", "human: two", "smith: You said: two", "human: three",
                "smith: Hello human.");

        String unknown = max.send("chat_history", Map.of("before", "msg-nowhere"));
        JsonNode error = max.nextMatching(m -> unknown.equals(m.path("replyTo").asText()));
        assertThat(error.path("payload").path("code").asText()).isEqualTo("invalid_payload");
        assertThat(error.path("payload").path("details").path("field").asText()).isEqualTo("payload.before");
        String empty = max.send("chat_history", Map.of("chatId", "elsewhere"));
        JsonNode none = max.nextMatching(m -> empty.equals(m.path("replyTo").asText())).path("payload");
        assertThat(none.path("messages")).isEmpty();
        assertThat(none.path("hasMore").asBoolean()).isFalse();
    }

    @Test
    @DisplayName("world_reload first writes acknowledged changes still waiting for the debounced save")
    void reloadKeepsPendingChanges() {
        ManualClock clock = ManualClock.startingAtEpochOf2026();
        ManualScheduler scheduler = new ManualScheduler(clock); // never advanced: the debounced save stays pending
        WorldStore store = WorldStores.inMemory(TestWorlds.templates(), clock);
        WorldWsEngine engine = start(WorldWsEngine.builder().store(store).clock(clock).scheduler(scheduler));
        WireClient kim = WireClient.connect(engine, TestWorlds.user("kim"));
        kim.select("workshop", "w");
        kim.chat("remember the anvil");
        kim.untilIdle();
        WorldKey key = WorldKey.of("kim", "w");
        assertThat(store.load(key).agent(AgentId.of("smith")).orElseThrow().memory().toString())
                .as("not saved yet").doesNotContain("remember the anvil");

        kim.send("world_reload", Map.of());
        JsonNode reloaded = kim.nextOfType("world_reloaded").path("payload");
        assertThat(reloaded.path("agents").get(0).path("memorySize").asInt()).isEqualTo(3);
        World stored = store.load(key);
        assertThat(stored.agent(AgentId.of("smith")).orElseThrow().memory().toString()).contains("remember the anvil");
        assertThat(stored.events()).extracting(e -> e.payload().get("content")).contains("remember the anvil");

        WireClient again = WireClient.connect(engine, TestWorlds.user("kim"));
        assertThat(lines(again.select("workshop", "w").path("payload").path("history")))
                .contains("human: remember the anvil");
    }

    @Test
    @DisplayName("agent_updated shows the agent exactly as world_selected does, memorySize included")
    void agentViewsConsistent() {
        WorldStore store = WorldStores.inMemory(TestWorlds.templates(), Clock.systemUTC());
        WorldWsEngine engine = start(WorldWsEngine.builder().store(store));
        WireClient lea = WireClient.connect(engine, TestWorlds.user("lea"));
        lea.select("workshop", "w");
        lea.chat("hi");
        lea.untilIdle();
        lea.send("agent_update", Map.of("agentName", "smith", "config", Map.of("temperature", 0.9)));
        JsonNode updated = lea.nextOfType("agent_updated").path("payload").path("agent");
        assertThat(updated.path("memorySize").asInt()).isEqualTo(3);

        WireClient other = WireClient.connect(engine, TestWorlds.user("lea"));
        JsonNode selected = other.select("workshop", "w").path("payload").path("agents").get(0);
        assertThat(updated).isEqualTo(selected);
    }
}
