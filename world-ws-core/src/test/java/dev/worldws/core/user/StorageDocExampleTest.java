package dev.worldws.core.user;

import static org.assertj.core.api.Assertions.assertThat;

import dev.worldws.api.TemplateName;
import dev.worldws.api.TemplateNotFoundException;
import dev.worldws.api.UserId;
import dev.worldws.api.WorldName;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.api.world.World;
import dev.worldws.core.store.StorageLayout;
import dev.worldws.core.store.WorldStores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The user manager example of docs/storage.md, run as written (with the data folder in a temporary directory). */
class StorageDocExampleTest {
    @TempDir
    Path data;

    @Test
    @DisplayName("the example in docs/storage.md works: an anonymous visitor's clone is gone after the session")
    void docExample() throws IOException {
        Files.createDirectories(data.resolve("worlds/coffee-shop/agents/barista"));
        Files.writeString(data.resolve("worlds/coffee-shop/config.json"), "{\"id\": \"coffee-shop\", \"name\": \"Coffee Shop\"}");
        Files.writeString(data.resolve("worlds/coffee-shop/agents/barista/config.json"), "{\"id\": \"barista\", \"name\": \"Barista\"}");
        String requestedTemplate = "coffee-shop";

        WorldStore store = WorldStores.files(data);
        UserStorage storage = UserStorage.of(store, new StorageLayout(data));
        WorldCloning cloning = WorldCloning.of(store);
        UserManager users = UserManager.of(store, Clock.systemUTC());

        UserId visitor = UserId.of("anon-" + UUID.randomUUID());
        if (!cloning.isValidTemplate(requestedTemplate)) {
            throw new TemplateNotFoundException("template \"" + requestedTemplate + "\" not found");
        }
        UserSession session = users.createUserSession(visitor, TemplateName.of(requestedTemplate),
                WorldName.of("scratch"), false);
        Path folder = storage.getUserWorldPath(visitor, session.worldName());
        assertThat(folder.resolve("agents/barista/config.json")).isRegularFile();

        World updated = session.world().withConfig(session.world().config().withCurrentChatId("chat-2"));
        users.saveUserWorld(visitor, session.worldName(), updated);
        assertThat(cloning.loadUserWorld(visitor, session.worldName()).config().currentChatId()).isEqualTo("chat-2");

        users.deleteUserSession(visitor, session.worldName());
        assertThat(storage.userWorldExists(visitor, session.worldName())).isFalse();
        assertThat(data.resolve("users").resolve(visitor.value())).doesNotExist();
    }
}
