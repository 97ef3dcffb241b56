package dev.worldws.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.worldws.api.AgentId;
import dev.worldws.api.TemplateName;
import dev.worldws.api.UserId;
import dev.worldws.api.WorldKey;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.api.world.Agent;
import dev.worldws.api.world.AgentConfig;
import dev.worldws.api.world.MemoryItem;
import dev.worldws.api.world.World;
import dev.worldws.testkit.ManualClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A world folder written by agent-world loads unchanged, clones whole and keeps its unknown fields on save. */
class AgentWorldFormatTest {
    private static final TemplateName ETUDE = TemplateName.of("infinite-etude");
    private static final WorldKey ALICE_ETUDE = WorldKey.of("alice", "etude");

    @TempDir
    Path dataDir;
    private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T12:00:00Z"));
    private final ObjectMapper json = new ObjectMapper();
    private WorldStore store;
    private Path template;

    @BeforeEach
    void writeAgentWorldFolder() throws IOException {
        template = dataDir.resolve("worlds/infinite-etude");
        write("config.json", """
                {
                  "id": "infinite-etude",
                  "name": "Infinite Etude",
                  "description": "A music school that never closes.",
                  "turnLimit": 5,
                  "mainAgent": null,
                  "chatLLMProvider": "ollama",
                  "chatLLMModel": "qwen2.5:14b",
                  "createdAt": "2025-06-27T10:00:00.000Z",
                  "lastUpdated": "2025-06-28T09:30:00.000Z",
                  "totalAgents": 2,
                  "totalMessages": 4,
                  "currentChatId": "chat-1719500000000-abc",
                  "variables": ""
                }
                """);
        write("mcp.json", """
                {"servers": {"files": {"command": "npx", "args": ["mcp-files"]}}}
                """);
        write("agents/monsieur-engraver/config.json", """
                {
                  "id": "monsieur-engraver",
                  "name": "Monsieur Engraver",
                  "type": "engraver",
                  "autoReply": true,
                  "status": "inactive",
                  "provider": "ollama",
                  "model": "qwen2.5:14b",
                  "temperature": 0.4,
                  "maxTokens": 2048,
                  "createdAt": "2025-06-27T10:00:00.000Z",
                  "lastActive": "2025-06-28T09:30:00.000Z",
                  "llmCallCount": 2,
                  "lastLLMCall": "2025-06-28T09:30:00.000Z"
                }
                """);
        write("agents/monsieur-engraver/system-prompt.md", "You engrave scores.\n\nNever hurry.\n");
        write("agents/monsieur-engraver/memory.json", """
                [
                  {
                    "role": "user",
                    "content": "Please engrave this:\\\\nbar one\\\\nbar two",
                    "createdAt": "2025-06-28T09:29:00.000Z",
                    "sender": "human",
                    "chatId": "chat-1719500000000-abc",
                    "messageId": "msg-1",
                    "agentId": "monsieur-engraver"
                  },
                  {
                    "role": "assistant",
                    "content": "Done.",
                    "createdAt": "2025-06-28T09:30:00.000Z",
                    "sender": "monsieur-engraver",
                    "chatId": "chat-1719500000000-abc",
                    "messageId": "msg-2",
                    "replyToMessageId": "msg-1",
                    "agentId": "monsieur-engraver",
                    "tool_calls": [{"id": "call-1", "type": "function"}]
                  }
                ]
                """);
        write("agents/monsieur-engraver/archive/memory-2025-06-27.json", "[]\n");
        // the June-2025 shape: LLM settings nested in "config"
        write("agents/old-tuner/config.json", """
                {
                  "id": "old-tuner",
                  "name": "Old Tuner",
                  "type": "tuner",
                  "config": {"provider": "openai", "model": "gpt-4o", "temperature": 0.7, "maxTokens": 512, "apiKey": "sk-test"}
                }
                """);
        write("chats/chat-1719500000000-abc.json", """
                {"id": "chat-1719500000000-abc", "worldId": "infinite-etude", "name": "Lesson 1",
                 "createdAt": "2025-06-28T09:00:00.000Z", "updatedAt": "2025-06-28T09:30:00.000Z", "messageCount": 2}
                """);
        write("events/chat-1719500000000-abc.json", """
                [{"id": "evt-1", "worldId": "infinite-etude", "chatId": "chat-1719500000000-abc", "type": "message",
                  "payload": {"content": "Please engrave this", "sender": "human"},
                  "meta": {"sender": "human", "deliveredToAgents": ["monsieur-engraver"], "threadRootId": null},
                  "createdAt": "2025-06-28T09:29:00.000Z", "seq": 1}]
                """);
        store = WorldStores.files(dataDir, clock);
    }

    private void write(String relative, String content) throws IOException {
        Path file = template.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private Map<String, Object> readJson(Path file) throws IOException {
        return json.readValue(file.toFile(), new TypeReference<Map<String, Object>>() { });
    }

    @Test
    @DisplayName("loads every modelled field, undoes memory's literal \\n escaping and keeps the rest in extra")
    void loads() {
        World world = store.loadTemplate(ETUDE);
        assertThat(world.config().id()).isEqualTo("infinite-etude");
        assertThat(world.config().turnLimit()).isEqualTo(5);
        assertThat(world.config().currentChatId()).isEqualTo("chat-1719500000000-abc");
        assertThat(world.config().extra()).containsEntry("chatLLMModel", "qwen2.5:14b").containsEntry("totalMessages", 4)
                .containsEntry("variables", "");

        Agent engraver = world.agent(AgentId.of("monsieur-engraver")).orElseThrow();
        AgentConfig config = engraver.config();
        assertThat(config.provider()).isEqualTo("ollama");
        assertThat(config.temperature()).isEqualTo(0.4);
        assertThat(config.maxTokens()).isEqualTo(2048);
        assertThat(config.llmCallCount()).isEqualTo(2);
        assertThat(config.active()).isTrue();
        assertThat(config.extra()).containsEntry("status", "inactive").containsKey("lastLLMCall");
        assertThat(engraver.systemPrompt()).isEqualTo("You engrave scores.\n\nNever hurry.\n");
        List<MemoryItem> memory = engraver.memory();
        assertThat(memory.get(0).content()).isEqualTo("Please engrave this:\nbar one\nbar two");
        assertThat(memory.get(1).replyToMessageId()).isEqualTo("msg-1");
        assertThat(memory.get(1).extra()).containsKey("tool_calls");

        assertThat(world.chats()).singleElement().satisfies(chat -> {
            assertThat(chat.name()).isEqualTo("Lesson 1");
            assertThat(chat.messageCount()).isEqualTo(2);
        });
        assertThat(world.events()).singleElement().satisfies(event -> {
            assertThat(event.seq()).isEqualTo(1);
            assertThat(event.meta()).containsEntry("threadRootId", null);
        });
    }

    @Test
    @DisplayName("reads the June-2025 agent shape with LLM settings nested in config")
    void nestedAgentConfig() {
        AgentConfig tuner = store.loadTemplate(ETUDE).agent(AgentId.of("old-tuner")).orElseThrow().config();
        assertThat(tuner.provider()).isEqualTo("openai");
        assertThat(tuner.model()).isEqualTo("gpt-4o");
        assertThat(tuner.temperature()).isEqualTo(0.7);
        assertThat(tuner.maxTokens()).isEqualTo(512);
    }

    @Test
    @DisplayName("a clone copies files it does not model (mcp.json, archive/) and adds metadata to config.json")
    void cloneCopiesEverything() throws IOException {
        store.cloneFromTemplate(ETUDE, ALICE_ETUDE);
        Path clone = dataDir.resolve("users/alice/worlds/etude");
        assertThat(clone.resolve("mcp.json")).hasSameTextualContentAs(template.resolve("mcp.json"));
        assertThat(clone.resolve("agents/monsieur-engraver/archive/memory-2025-06-27.json")).exists();
        Map<String, Object> config = readJson(clone.resolve("config.json"));
        assertThat(config.get("metadata")).isEqualTo(Map.of("originalTemplate", "infinite-etude",
                "clonedFor", "alice", "clonedAt", "2026-03-01T12:00:00.000Z"));
        assertThat(config.get("chatLLMModel")).isEqualTo("qwen2.5:14b");
        assertThat(config.get("lastUpdated")).isEqualTo("2025-06-28T09:30:00.000Z");
    }

    @Test
    @DisplayName("a save keeps unknown fields, the nested config shape, untouched files and memory's escaping")
    void saveKeepsFormat() throws IOException {
        World clone = store.cloneFromTemplate(ETUDE, ALICE_ETUDE);
        Agent engraver = clone.agent(AgentId.of("monsieur-engraver")).orElseThrow();
        MemoryItem reply = new MemoryItem("assistant", "Engraved:\nbar three", clock.instant(), "monsieur-engraver",
                "chat-1719500000000-abc", "msg-3", "msg-2", "monsieur-engraver", Map.of());
        Agent tuner = clone.agent(AgentId.of("old-tuner")).orElseThrow();
        World changed = clone.withAgent(engraver.remember(reply))
                .withAgent(tuner.withConfig(tuner.config().withLlmCallCount(3)));
        store.save(ALICE_ETUDE, changed);

        Path clonePath = dataDir.resolve("users/alice/worlds/etude");
        String memoryText = Files.readString(clonePath.resolve("agents/monsieur-engraver/memory.json"));
        assertThat(memoryText).contains("\"Please engrave this:\\\\nbar one\\\\nbar two\"")
                .contains("\"Engraved:\\\\nbar three\"").doesNotContain("Engraved:\\nbar");
        Map<String, Object> engraverConfig = readJson(clonePath.resolve("agents/monsieur-engraver/config.json"));
        assertThat(engraverConfig).containsEntry("status", "inactive").containsEntry("lastActive", "2025-06-28T09:30:00.000Z")
                .containsEntry("provider", "ollama");
        Map<String, Object> tunerConfig = readJson(clonePath.resolve("agents/old-tuner/config.json"));
        assertThat(tunerConfig).doesNotContainKey("provider").containsEntry("llmCallCount", 3);
        assertThat(tunerConfig.get("config")).isEqualTo(Map.of("provider", "openai", "model", "gpt-4o",
                "temperature", 0.7, "maxTokens", 512, "apiKey", "sk-test"));
        assertThat(clonePath.resolve("mcp.json")).exists();
        assertThat(clonePath.resolve("agents/monsieur-engraver/archive/memory-2025-06-27.json")).exists();
        assertThat(store.load(ALICE_ETUDE)).isEqualTo(changed);
    }

    @Test
    @DisplayName("an agent-world clone saved unchanged loads back equal")
    void stableRoundTrip() {
        World clone = store.cloneFromTemplate(ETUDE, ALICE_ETUDE);
        store.save(ALICE_ETUDE, clone);
        World reloaded = store.load(ALICE_ETUDE);
        assertThat(reloaded).isEqualTo(clone);
        assertThat(reloaded.config().metadata().clonedFor()).isEqualTo(UserId.of("alice"));
    }
}
