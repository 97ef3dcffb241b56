package dev.worldws.core.store;

import dev.worldws.api.TemplateName;
import dev.worldws.api.UserId;
import dev.worldws.api.WorldKey;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the file store keeps things under its data directory, in agent-world's folder format:
 *
 * <pre>
 * {dataDir}/worlds/{template}/                      read-only templates
 * {dataDir}/users/{userId}/worlds/{worldName}/      users' worlds
 *     config.json
 *     agents/{agentId}/config.json, system-prompt.md, memory.json
 *     chats/{chatId}.json
 *     events/{chatId}.json
 * </pre>
 *
 * Every name is a validated record, so each resolves to exactly one segment below its parent.
 *
 * @param dataDir the data directory, absolute and normalized by the constructor
 */
public record StorageLayout(Path dataDir) {
    public StorageLayout {
        dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath().normalize();
    }

    /** The folder holding every template: {@code {dataDir}/worlds}. */
    public Path templatesDir() {
        return dataDir.resolve("worlds");
    }

    public Path templateDir(TemplateName template) {
        return templatesDir().resolve(template.value());
    }

    /** The folder holding every user's space: {@code {dataDir}/users}. The only place the store writes. */
    public Path usersDir() {
        return dataDir.resolve("users");
    }

    /** A user's space: {@code {dataDir}/users/{userId}}. */
    public Path userDir(UserId user) {
        return usersDir().resolve(user.value());
    }

    /** A user's worlds: {@code {dataDir}/users/{userId}/worlds}. */
    public Path userWorldsDir(UserId user) {
        return userDir(user).resolve("worlds");
    }

    /** One user world: {@code {dataDir}/users/{userId}/worlds/{worldName}}. */
    public Path worldDir(WorldKey key) {
        return userWorldsDir(key.userId()).resolve(key.worldName().value());
    }
}
