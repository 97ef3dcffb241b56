package dev.worldws.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.worldws.api.UserId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("ServerConfig")
class ServerConfigTest {
    @Test
    @DisplayName("defaults run on a laptop: loopback, 8080, ./data, /ws, anonymous")
    void defaults() {
        ServerConfig config = ServerConfig.parse(new String[0], Map.of());
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(config.path()).isEqualTo("/ws");
        assertThat(config.jwtSecret()).isEmpty();
        assertThat(config.maxMessageBytes()).isEqualTo(65536);
        assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(25));
        assertThat(config.webSocketEnabled()).isTrue();
    }

    @Test
    @DisplayName("flags win over environment variables, which win over the properties file")
    void precedence(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("server.properties");
        Files.writeString(file, "port=7000\nhost=0.0.0.0\ndata-dir=/srv/from-file\nheartbeat-interval=10s\n");
        ServerConfig config = ServerConfig.parse(new String[] {"--config", file.toString(), "--port=9000"},
                Map.of("WORLDWS_PORT", "8000", "WORLDWS_DATA_DIR", "/srv/from-env"));
        assertThat(config.port()).isEqualTo(9000);
        assertThat(config.dataDir()).isEqualTo(Path.of("/srv/from-env"));
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    @DisplayName("every flag has a WORLDWS_ environment variable")
    void environment() {
        ServerConfig config = ServerConfig.parse(new String[0], Map.of("WORLDWS_JWT_SECRET", "s".repeat(40),
                "WORLDWS_TOKEN_REQUIRED", "true", "WORLDWS_MAX_MESSAGE_BYTES", "1024", "WORLDWS_SHUTDOWN_GRACE", "500ms",
                "WORLDWS_WEBSOCKET", "false"));
        assertThat(config.jwtSecret()).hasValue("s".repeat(40));
        assertThat(config.tokenRequired()).isTrue();
        assertThat(config.maxMessageBytes()).isEqualTo(1024);
        assertThat(config.shutdownGrace()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.webSocketEnabled()).isFalse();
    }

    @Test
    @DisplayName("mistakes are refused with a message that names the setting")
    void mistakes() {
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--prot", "1"}, Map.of()))
                .hasMessageContaining("unknown option --prot");
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--port", "eighty"}, Map.of()))
                .hasMessageContaining("port must be a whole number");
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--port"}, Map.of()))
                .hasMessageContaining("--port needs a value");
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--port", "70000"}, Map.of()))
                .hasMessageContaining("between 0 and 65535");
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--token-required"}, Map.of()))
                .hasMessageContaining("token-required needs a jwt-secret");
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--heartbeat-timeout", "soon"}, Map.of()))
                .hasMessageContaining("heartbeat-timeout must be a duration");
    }

    @Test
    @DisplayName("the JWT secret never shows in the configuration's text form")
    void secretHidden() {
        ServerConfig config = ServerConfig.parse(new String[] {"--jwt-secret", "a-very-secret-value-of-32-bytes!!"},
                Map.of());
        assertThat(config.toString()).doesNotContain("a-very-secret").contains("jwtSecret=(set)");
    }

    @Test
    @DisplayName("the resume secret comes from --resume-secret or WORLDWS_RESUME_SECRET, is hidden and at least 32 bytes")
    void resumeSecret() {
        String value = "r".repeat(32);
        assertThat(ServerConfig.parse(new String[] {"--resume-secret", value}, Map.of()).resumeSecret()).hasValue(value);
        ServerConfig fromEnvironment = ServerConfig.parse(new String[0], Map.of("WORLDWS_RESUME_SECRET", value));
        assertThat(fromEnvironment.resumeSecret()).hasValue(value);
        assertThat(fromEnvironment.toString()).doesNotContain(value).contains("resumeSecret=(set)");
        assertThat(ServerConfig.defaults().resumeSecret()).as("by default kept in the data directory").isEmpty();
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--resume-secret", "short"}, Map.of()))
                .hasMessageContaining("resume-secret must have at least 32 bytes");
    }

    @Test
    @DisplayName("durability is fsync unless --durability or WORLDWS_DURABILITY says write-back; anything else is refused")
    void durability() {
        assertThat(ServerConfig.defaults().durability()).isEqualTo(dev.worldws.core.store.Durability.FSYNC);
        assertThat(ServerConfig.parse(new String[] {"--durability", "write-back"}, Map.of()).durability())
                .isEqualTo(dev.worldws.core.store.Durability.WRITE_BACK);
        assertThat(ServerConfig.parse(new String[0], Map.of("WORLDWS_DURABILITY", "write-back")).durability())
                .isEqualTo(dev.worldws.core.store.Durability.WRITE_BACK);
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--durability", "sometimes"}, Map.of()))
                .hasMessageContaining("durability must be fsync or write-back");
    }

    @Test
    @DisplayName("a changed world is saved a second after it goes idle unless --save-delay or WORLDWS_SAVE_DELAY says otherwise")
    void saveDelay() {
        assertThat(ServerConfig.defaults().saveDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(ServerConfig.parse(new String[] {"--save-delay", "3s"}, Map.of()).saveDelay())
                .isEqualTo(Duration.ofSeconds(3));
        assertThat(ServerConfig.parse(new String[0], Map.of("WORLDWS_SAVE_DELAY", "500ms")).saveDelay())
                .isEqualTo(Duration.ofMillis(500));
        assertThat(ServerConfig.defaults().withSaveDelay(Duration.ofSeconds(2)).withPort(0).saveDelay())
                .as("kept by the other with-methods").isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--save-delay", "0s"}, Map.of()))
                .hasMessageContaining("save-delay must be positive");
    }

    @Test
    @DisplayName("guests' clones link the template's files unless --template-links or WORLDWS_TEMPLATE_LINKS says all or none")
    void templateLinks() {
        assertThat(ServerConfig.defaults().templateLinks()).isEqualTo(ServerConfig.TemplateLinks.GUESTS);
        assertThat(ServerConfig.parse(new String[] {"--template-links", "none"}, Map.of()).templateLinks())
                .isEqualTo(ServerConfig.TemplateLinks.NONE);
        assertThat(ServerConfig.parse(new String[0], Map.of("WORLDWS_TEMPLATE_LINKS", "all")).templateLinks())
                .isEqualTo(ServerConfig.TemplateLinks.ALL);
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--template-links", "some"}, Map.of()))
                .hasMessageContaining("template-links must be guests, all or none");

        UserId guest = UserId.of("anon-0f8fad5b-d9cb-469f-a165-70867728950e");
        UserId known = UserId.of("alice");
        assertThat(ServerConfig.TemplateLinks.GUESTS.users()).accepts(guest).rejects(known);
        assertThat(ServerConfig.TemplateLinks.ALL.users()).accepts(guest, known);
        assertThat(ServerConfig.TemplateLinks.NONE.users()).rejects(guest, known);
    }

    @Test
    @DisplayName("--help lists every option with its environment variable")
    void usage() {
        String usage = ServerConfig.usage();
        for (ServerConfig.Setting setting : ServerConfig.SETTINGS) {
            assertThat(usage).contains("--" + setting.name()).contains(setting.environmentVariable());
        }
    }
}
