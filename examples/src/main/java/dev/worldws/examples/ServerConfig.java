package dev.worldws.examples;

import dev.worldws.api.UserId;
import dev.worldws.core.WorldWsEngine;
import dev.worldws.core.store.Durability;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Predicate;

/**
 * The reference server's configuration. Each setting comes from, in rising precedence: its default, the optional
 * properties file ({@code --config FILE} or {@code WORLDWS_CONFIG}; keys as the flags without dashes, e.g.
 * {@code port=9000}), an environment variable ({@code WORLDWS_PORT}), a command-line flag ({@code --port 9000} or
 * {@code --port=9000}).
 *
 * @param host the address to bind ({@code 127.0.0.1}; {@code 0.0.0.0} for every interface)
 * @param port the port (8080; 0 picks a free one)
 * @param path the WebSocket path ({@code /ws})
 * @param dataDir the data directory ({@code ./data}); created and seeded with the sample templates if it has none
 * @param jwtSecret the HS256 secret for JWTs (at least 32 bytes), or empty for anonymous users only
 * @param tokenRequired whether connections without a token are refused (only with a secret)
 * @param maxMessageBytes the largest inbound text frame (65536)
 * @param heartbeatInterval how often the server checks liveness (25 s)
 * @param heartbeatTimeout how long a silent connection lives (20 s)
 * @param anonymousGrace how long an anonymous user's worlds outlive its last connection (60 s)
 * @param shutdownGrace how long in-flight replies may take at shutdown (2 s)
 * @param webSocketEnabled whether the WebSocket endpoint is served (true)
 * @param resumeSecret the key (at least 32 bytes) that signs anonymous users' resume tokens; give every server
 *        sharing a data directory the same one. Empty: generated once and kept in {@code DATA_DIR/.resume-token-secret},
 *        so tokens stay valid across restarts
 * @param durability whether every save is forced to the device ({@code fsync}, the default) or left to the
 *        operating system's write-back ({@code write-back}); see {@link Durability}
 * @param templateLinks whose clones hard-link the template's files instead of copying them ({@code guests}, the
 *        default: anonymous users, whose worlds are deleted when they leave); see {@link TemplateLinks}
 * @param saveDelay how long after a world goes idle its changes are written (1 s); longer means fewer saves and a
 *        longer window of unsaved changes, see {@code WorldWsEngineBuilder.saveDelay}
 */
public record ServerConfig(String host, int port, String path, Path dataDir, Optional<String> jwtSecret,
        boolean tokenRequired, int maxMessageBytes, Duration heartbeatInterval, Duration heartbeatTimeout,
        Duration anonymousGrace, Duration shutdownGrace, boolean webSocketEnabled, Optional<String> resumeSecret,
        Durability durability, TemplateLinks templateLinks, Duration saveDelay) {

    /**
     * Whose worlds are cloned with hard links to the template's files: cheaper clones (no new file per template file
     * until the world changes it), at the price that a template file edited in place (not replaced) also changes the
     * worlds still linked to it. See {@code WorldStores.files(Path, Clock, Durability, Predicate)}.
     */
    public enum TemplateLinks {
        /** Every clone copies the template's files. */
        NONE,
        /** Anonymous users' clones link; known users' clones copy. */
        GUESTS,
        /** Every clone links. */
        ALL;

        /** The users whose clones link, as the file store takes it. */
        public Predicate<UserId> users() {
            return switch (this) {
                case NONE -> user -> false;
                case GUESTS -> WorldWsEngine::isAnonymousId;
                case ALL -> user -> true;
            };
        }
    }

    /** A configuration without a configured resume secret (the server keeps its own in the data directory). */
    public ServerConfig(String host, int port, String path, Path dataDir, Optional<String> jwtSecret,
            boolean tokenRequired, int maxMessageBytes, Duration heartbeatInterval, Duration heartbeatTimeout,
            Duration anonymousGrace, Duration shutdownGrace, boolean webSocketEnabled) {
        this(host, port, path, dataDir, jwtSecret, tokenRequired, maxMessageBytes, heartbeatInterval, heartbeatTimeout,
                anonymousGrace, shutdownGrace, webSocketEnabled, Optional.empty(), Durability.FSYNC, TemplateLinks.GUESTS,
                Duration.ofSeconds(1));
    }

    /** Like the record's own, but never shows the secrets (configurations end up in logs). */
    @Override
    public String toString() {
        return "ServerConfig[host=" + host + ", port=" + port + ", path=" + path + ", dataDir=" + dataDir
                + ", jwtSecret=" + (jwtSecret.isPresent() ? "(set)" : "(none)") + ", tokenRequired=" + tokenRequired
                + ", maxMessageBytes=" + maxMessageBytes + ", heartbeatInterval=" + heartbeatInterval
                + ", heartbeatTimeout=" + heartbeatTimeout + ", anonymousGrace=" + anonymousGrace
                + ", shutdownGrace=" + shutdownGrace + ", webSocketEnabled=" + webSocketEnabled
                + ", resumeSecret=" + (resumeSecret.isPresent() ? "(set)" : "(kept in the data directory)")
                + ", durability=" + durability + ", templateLinks=" + templateLinks + ", saveDelay=" + saveDelay + "]";
    }

    /** Every setting: flag name, environment variable, default, meaning. */
    static final List<Setting> SETTINGS = List.of(
            new Setting("host", "127.0.0.1", "address to bind (0.0.0.0 = every interface)"),
            new Setting("port", "8080", "port to listen on (0 = any free port)"),
            new Setting("path", "/ws", "WebSocket endpoint path"),
            new Setting("data-dir", "./data", "data directory (created and seeded with sample templates)"),
            new Setting("jwt-secret", "", "HS256 secret (>= 32 bytes) to accept JWTs; empty = anonymous only"),
            new Setting("token-required", "false", "refuse connections without a valid JWT"),
            new Setting("max-message-bytes", "65536", "largest inbound text frame in bytes"),
            new Setting("heartbeat-interval", "25s", "how often liveness is checked"),
            new Setting("heartbeat-timeout", "20s", "how long a silent connection is kept"),
            new Setting("anonymous-grace", "60s", "how long anonymous worlds outlive the last connection"),
            new Setting("shutdown-grace", "2s", "how long in-flight replies may take at shutdown"),
            new Setting("websocket", "true", "serve the WebSocket endpoint (false = REST only)"),
            new Setting("resume-secret", "", "key (>= 32 bytes) signing anonymous resume tokens; empty = "
                    + "generated once into DATA_DIR/" + ResumeSecret.FILE_NAME),
            new Setting("durability", "fsync", "fsync = force every save to the device; write-back = leave it to "
                    + "the OS (a power loss may lose the last seconds)"),
            new Setting("template-links", "guests", "whose clones hard-link the template's files instead of copying "
                    + "them: guests (anonymous users), all, none; a template file edited in place then changes "
                    + "those worlds too"),
            new Setting("save-delay", "1s", "how long after a world goes idle its changes are written; longer = "
                    + "fewer saves (less CPU under sustained chat), a longer window of unsaved changes"));

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(jwtSecret, "jwtSecret");
        Objects.requireNonNull(resumeSecret, "resumeSecret");
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(templateLinks, "templateLinks");
        Objects.requireNonNull(saveDelay, "saveDelay");
        if (saveDelay.isNegative() || saveDelay.isZero()) {
            throw new IllegalArgumentException("save-delay must be positive (was " + saveDelay + ")");
        }
        if (resumeSecret.isPresent()
                && resumeSecret.get().getBytes(java.nio.charset.StandardCharsets.UTF_8).length < ResumeSecret.MIN_BYTES) {
            throw new IllegalArgumentException("resume-secret must have at least " + ResumeSecret.MIN_BYTES + " bytes");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 and 65535 (was " + port + ")");
        }
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/' (was \"" + path + "\")");
        }
        if (tokenRequired && jwtSecret.isEmpty()) {
            throw new IllegalArgumentException("token-required needs a jwt-secret");
        }
    }

    /** The defaults, as a laptop would want them. */
    public static ServerConfig defaults() {
        return parse(new String[0], Map.of());
    }

    /** Same as {@link #defaults()} with another port and data directory: handy in tests. */
    public static ServerConfig local(int port, Path dataDir) {
        Draft draft = new Draft(defaults());
        draft.port = port;
        draft.dataDir = dataDir;
        return draft.done();
    }

    public ServerConfig withJwtSecret(String secret) {
        Draft draft = new Draft(this);
        draft.jwtSecret = Optional.of(secret);
        return draft.done();
    }

    public ServerConfig withAnonymousGrace(Duration grace) {
        Draft draft = new Draft(this);
        draft.anonymousGrace = grace;
        return draft.done();
    }

    public ServerConfig withMaxMessageBytes(int bytes) {
        Draft draft = new Draft(this);
        draft.maxMessageBytes = bytes;
        return draft.done();
    }

    public ServerConfig withResumeSecret(String secret) {
        Draft draft = new Draft(this);
        draft.resumeSecret = Optional.of(secret);
        return draft.done();
    }

    public ServerConfig withPort(int newPort) {
        Draft draft = new Draft(this);
        draft.port = newPort;
        return draft.done();
    }

    public ServerConfig withSaveDelay(Duration delay) {
        Draft draft = new Draft(this);
        draft.saveDelay = delay;
        return draft.done();
    }

    /** The settings as fields, so that each with-method names only what it changes; {@link #done} validates. */
    private static final class Draft {
        String host;
        int port;
        String path;
        Path dataDir;
        Optional<String> jwtSecret;
        boolean tokenRequired;
        int maxMessageBytes;
        Duration heartbeatInterval;
        Duration heartbeatTimeout;
        Duration anonymousGrace;
        Duration shutdownGrace;
        boolean webSocketEnabled;
        Optional<String> resumeSecret;
        Durability durability;
        TemplateLinks templateLinks;
        Duration saveDelay;

        Draft(ServerConfig from) {
            host = from.host;
            port = from.port;
            path = from.path;
            dataDir = from.dataDir;
            jwtSecret = from.jwtSecret;
            tokenRequired = from.tokenRequired;
            maxMessageBytes = from.maxMessageBytes;
            heartbeatInterval = from.heartbeatInterval;
            heartbeatTimeout = from.heartbeatTimeout;
            anonymousGrace = from.anonymousGrace;
            shutdownGrace = from.shutdownGrace;
            webSocketEnabled = from.webSocketEnabled;
            resumeSecret = from.resumeSecret;
            durability = from.durability;
            templateLinks = from.templateLinks;
            saveDelay = from.saveDelay;
        }

        ServerConfig done() {
            return new ServerConfig(host, port, path, dataDir, jwtSecret, tokenRequired, maxMessageBytes,
                    heartbeatInterval, heartbeatTimeout, anonymousGrace, shutdownGrace, webSocketEnabled, resumeSecret,
                    durability, templateLinks, saveDelay);
        }
    }

    /**
     * Reads flags, the environment and the optional properties file.
     *
     * @throws IllegalArgumentException for an unknown flag, a missing value or a value that does not parse; the
     *         message names the setting
     */
    public static ServerConfig parse(String[] args, Map<String, String> environment) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument \"" + arg + "\" (see --help)");
            }
            String name = arg.substring(2);
            String value;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else if (name.equals("token-required") || name.equals("websocket")) {
                value = "true";
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value (see --help)");
            }
            String flag = name;
            if (!flag.equals("config") && SETTINGS.stream().noneMatch(s -> s.name.equals(flag))) {
                throw new IllegalArgumentException("unknown option --" + name + " (see --help)");
            }
            flags.put(name, value);
        }
        Properties file = new Properties();
        String configFile = flags.getOrDefault("config", environment.get("WORLDWS_CONFIG"));
        if (configFile != null && !configFile.isBlank()) {
            try (Reader reader = Files.newBufferedReader(Path.of(configFile), StandardCharsets.UTF_8)) {
                file.load(reader);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the config file " + configFile + ": " + e.getMessage(), e);
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Setting setting : SETTINGS) {
            String value = setting.defaultValue;
            if (file.getProperty(setting.name) != null) {
                value = file.getProperty(setting.name).trim();
            }
            String env = environment.get(setting.environmentVariable());
            if (env != null && !env.isBlank()) {
                value = env.trim();
            }
            if (flags.containsKey(setting.name)) {
                value = flags.get(setting.name);
            }
            values.put(setting.name, value);
        }
        String secret = values.get("jwt-secret");
        return new ServerConfig(
                values.get("host"),
                integer(values, "port"),
                values.get("path"),
                Path.of(values.get("data-dir")),
                secret.isEmpty() ? Optional.empty() : Optional.of(secret),
                bool(values, "token-required"),
                integer(values, "max-message-bytes"),
                duration(values, "heartbeat-interval"),
                duration(values, "heartbeat-timeout"),
                duration(values, "anonymous-grace"),
                duration(values, "shutdown-grace"),
                bool(values, "websocket"),
                values.get("resume-secret").isEmpty() ? Optional.empty() : Optional.of(values.get("resume-secret")),
                durability(values.get("durability")),
                templateLinks(values.get("template-links")),
                duration(values, "save-delay"));
    }

    private static Durability durability(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "fsync" -> Durability.FSYNC;
            case "write-back" -> Durability.WRITE_BACK;
            default -> throw new IllegalArgumentException("durability must be fsync or write-back (was \"" + value + "\")");
        };
    }

    private static TemplateLinks templateLinks(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "guests" -> TemplateLinks.GUESTS;
            case "all" -> TemplateLinks.ALL;
            case "none" -> TemplateLinks.NONE;
            default -> throw new IllegalArgumentException("template-links must be guests, all or none (was \"" + value + "\")");
        };
    }

    /** The {@code --help} text. */
    static String usage() {
        StringBuilder out = new StringBuilder("Usage: java -jar world-ws-server.jar [--option value]...\n\n");
        for (Setting setting : SETTINGS) {
            out.append(String.format("  --%-20s %-26s %s (default: %s)%n", setting.name, setting.environmentVariable(),
                    setting.meaning, setting.defaultValue.isEmpty() ? "none" : setting.defaultValue));
        }
        out.append(String.format("  --%-20s %-26s %s%n", "config", "WORLDWS_CONFIG",
                "properties file with the same keys (port=9000)"));
        out.append("\nFlags win over environment variables, which win over the properties file.\n");
        return out.toString();
    }

    private static int integer(Map<String, String> values, String name) {
        try {
            return Integer.parseInt(values.get(name).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number (was \"" + values.get(name) + "\")");
        }
    }

    private static boolean bool(Map<String, String> values, String name) {
        String value = values.get(name).trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false (was \"" + value + "\")");
        };
    }

    /** {@code 25s}, {@code 500ms}, {@code 2m}, or an ISO-8601 duration ({@code PT25S}). */
    static Duration duration(Map<String, String> values, String name) {
        String value = values.get(name).trim().toLowerCase(Locale.ROOT);
        try {
            if (value.startsWith("pt") || value.startsWith("p")) {
                return Duration.parse(value.toUpperCase(Locale.ROOT));
            }
            if (value.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
            }
            if (value.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
            }
            if (value.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(value));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(name + " must be a duration such as 25s, 500ms or 2m (was \"" + value + "\")");
        }
    }

    /** One setting: its flag name (also the properties key), default and meaning. */
    record Setting(String name, String defaultValue, String meaning) {
        String environmentVariable() {
            return "WORLDWS_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
        }
    }
}
