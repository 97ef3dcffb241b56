package dev.worldws.core.store;

import dev.worldws.api.TemplateName;
import dev.worldws.api.world.Agent;
import dev.worldws.api.world.Chat;
import dev.worldws.api.world.EventLogEntry;
import dev.worldws.api.world.World;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes template folders for tests, the way a deployer would: plain files, outside any store. */
public final class TemplateFolders {
    private TemplateFolders() {}

    public static void write(Path dataDir, Map<TemplateName, World> templates) {
        templates.forEach((name, world) -> write(new StorageLayout(dataDir).templateDir(name), world));
    }

    static void write(Path dir, World world) {
        WorldCodec codec = new WorldCodec();
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve("config.json"), codec.write(codec.worldConfigJson(world.config())));
            for (Agent agent : world.agents()) {
                Path agentDir = Files.createDirectories(dir.resolve("agents").resolve(agent.id().value()));
                Files.write(agentDir.resolve("config.json"), codec.write(codec.agentConfigJson(agent.config())));
                Files.writeString(agentDir.resolve("system-prompt.md"), agent.systemPrompt(), StandardCharsets.UTF_8);
                Files.write(agentDir.resolve("memory.json"), codec.renderMemory(agent.memory()).copy());
            }
            for (Chat chat : world.chats()) {
                Path chats = Files.createDirectories(dir.resolve("chats"));
                Files.write(chats.resolve(chat.id() + ".json"), codec.write(codec.chatJson(chat)));
            }
            Map<String, List<EventLogEntry>> byChat = new LinkedHashMap<>();
            world.events().forEach(event -> byChat.computeIfAbsent(event.chatId(), id -> new ArrayList<>()).add(event));
            for (Map.Entry<String, List<EventLogEntry>> entry : byChat.entrySet()) {
                Path events = Files.createDirectories(dir.resolve("events"));
                Files.write(events.resolve(entry.getKey() + ".json"), codec.renderEvents(entry.getValue()).copy());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
