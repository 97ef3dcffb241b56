package dev.worldws.examples.templates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.worldws.api.TemplateName;
import dev.worldws.api.WorldKey;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.api.world.Agent;
import dev.worldws.api.world.World;
import dev.worldws.core.agent.ReplyRules;
import dev.worldws.core.store.WorldStores;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sample templates shipped in the examples jar: complete, loadable, and written for the offline responder. */
class SampleTemplatesTest {
    private static final String ROOT = "templates/";

    @TempDir
    Path dataDir;
    private List<String> index;
    private WorldStore store;

    @BeforeEach
    void copyTemplatesOutOfTheClasspath() throws IOException {
        try (InputStream in = resource(ROOT + "index.txt")) {
            index = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(line -> !line.isBlank()).toList();
        }
        for (String file : index) {
            Path target = dataDir.resolve("worlds").resolve(file);
            Files.createDirectories(target.getParent());
            try (InputStream in = resource(ROOT + file)) {
                Files.copy(in, target);
            }
        }
        store = WorldStores.files(dataDir);
    }

    private static InputStream resource(String name) {
        InputStream in = SampleTemplatesTest.class.getClassLoader().getResourceAsStream(name);
        assertThat(in).as("classpath resource %s", name).isNotNull();
        return in;
    }

    @Test
    @DisplayName("index.txt lists every file of the templates folder, and nothing else")
    void indexComplete() throws IOException, URISyntaxException {
        URL indexUrl = SampleTemplatesTest.class.getClassLoader().getResource(ROOT + "index.txt");
        Path folder = Path.of(indexUrl.toURI()).getParent();
        Set<String> present;
        try (Stream<Path> walk = Files.walk(folder)) {
            present = walk.filter(Files::isRegularFile)
                    .map(path -> folder.relativize(path).toString().replace('\\', '/'))
                    .filter(name -> !name.equals("index.txt"))
                    .collect(Collectors.toSet());
        }
        assertThat(index).doesNotHaveDuplicates();
        assertThat(Set.copyOf(index)).isEqualTo(present);
    }

    @Test
    @DisplayName("at least two templates load, each with two or three agents and a turn limit")
    void templatesLoad() {
        assertThat(store.listTemplates()).contains(TemplateName.of("coffee-shop"), TemplateName.of("writers-room"));
        for (TemplateName name : store.listTemplates()) {
            World world = store.loadTemplate(name);
            assertThat(world.config().id()).isEqualTo(name.value());
            assertThat(world.agents()).hasSizeBetween(2, 3);
            assertThat(world.config().turnLimit()).isBetween(2, 5);
            assertThat(world.chats()).extracting(chat -> chat.id()).contains(world.config().currentChatId());
            for (Agent agent : world.agents()) {
                assertThat(agent.id().value()).matches("[a-z0-9]+(-[a-z0-9]+)*");
                assertThat(agent.systemPrompt()).isNotBlank();
                assertThat(agent.config().provider()).isEqualTo("offline");
            }
        }
    }

    @Test
    @DisplayName("every agent has offline replies, and every @mention that starts a paragraph names another agent")
    void repliesMakeAConversation() {
        for (TemplateName name : store.listTemplates()) {
            World world = store.loadTemplate(name);
            Set<String> agentIds = world.agents().stream().map(agent -> agent.id().value()).collect(Collectors.toSet());
            int mentioning = 0;
            for (Agent agent : world.agents()) {
                Object replies = agent.config().extra().get("offlineReplies");
                assertThat(replies).as("offlineReplies of %s/%s", name, agent.id()).isInstanceOf(List.class);
                List<?> texts = (List<?>) replies;
                assertThat(texts).hasSizeGreaterThanOrEqualTo(4).allSatisfy(text -> assertThat(text).isInstanceOf(String.class));
                for (Object text : texts) {
                    Set<String> mentions = ReplyRules.paragraphMentions((String) text);
                    assertThat(agentIds).as("mentions in %s", text).containsAll(mentions);
                    assertThat(mentions).as("an agent never addresses itself").doesNotContain(agent.id().value());
                    if (!mentions.isEmpty()) {
                        mentioning++;
                    }
                }
            }
            assertThat(mentioning).as("agents of %s talk to each other a little", name).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    @DisplayName("each template clones into a user's world that saves and loads back")
    void clones() {
        for (TemplateName name : store.listTemplates()) {
            WorldKey key = WorldKey.of("sample-user", name.value());
            World clone = store.cloneFromTemplate(name, key);
            store.save(key, clone);
            assertThat(store.load(key)).isEqualTo(clone);
        }
    }
}
