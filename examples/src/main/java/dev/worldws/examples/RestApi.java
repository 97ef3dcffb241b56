package dev.worldws.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.worldws.api.AuthenticationException;
import dev.worldws.api.TemplateName;
import dev.worldws.api.WorldKey;
import dev.worldws.api.WorldName;
import dev.worldws.api.WorldWsException;
import dev.worldws.api.world.Agent;
import dev.worldws.api.world.World;
import dev.worldws.core.EngineStats;
import dev.worldws.core.Principal;
import dev.worldws.core.WorldWsEngine;
import dev.worldws.tyrus.HttpRoute;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;

/** The reference server's REST views: health, templates, the caller's worlds, statistics. JSON everywhere. */
final class RestApi {
    private static final System.Logger LOG = System.getLogger(RestApi.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_WORLDS_LISTED = 200;

    private final WorldWsEngine engine;
    private final ServerConfig config;
    private final BooleanSupplier ready;
    private final Clock clock;
    private final Instant startedAt;

    RestApi(WorldWsEngine engine, ServerConfig config, BooleanSupplier ready, Clock clock) {
        this.engine = engine;
        this.config = config;
        this.ready = ready;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    /** {@code GET /health}: 200 when live and ready, 503 when shutting down. */
    HttpRoute.Response health(HttpRoute.Request request) {
        if (!isGet(request)) {
            return methodNotAllowed();
        }
        boolean isReady = ready.getAsBoolean();
        ObjectNode body = JSON.createObjectNode();
        body.put("status", isReady ? "ok" : "shutting_down");
        body.put("live", true);
        body.put("ready", isReady);
        body.put("uptimeSeconds", clock.instant().getEpochSecond() - startedAt.getEpochSecond());
        ObjectNode webSocket = body.putObject("websocket");
        webSocket.put("enabled", config.webSocketEnabled());
        webSocket.put("path", config.path());
        webSocket.put("connections", engine.stats().connections());
        body.set("stats", stats(engine.stats()));
        return HttpRoute.Response.json(isReady ? 200 : 503, body.toString());
    }

    /** {@code GET /api/stats}. */
    HttpRoute.Response stats(HttpRoute.Request request) {
        if (!isGet(request)) {
            return methodNotAllowed();
        }
        return HttpRoute.Response.json(200, stats(engine.stats()).toString());
    }

    /** {@code GET /api/templates}: every template with its description and agents. */
    HttpRoute.Response templates(HttpRoute.Request request) {
        if (!isGet(request)) {
            return methodNotAllowed();
        }
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("templates");
        for (TemplateName name : engine.store().listTemplates()) {
            ObjectNode entry = list.addObject();
            entry.put("name", name.value());
            try {
                World template = engine.store().loadTemplate(name);
                entry.put("displayName", template.config().name());
                entry.put("description", template.config().description());
                ArrayNode agents = entry.putArray("agents");
                for (Agent agent : template.agents()) {
                    agents.addObject().put("id", agent.id().value()).put("name", agent.config().name());
                }
            } catch (WorldWsException e) {
                entry.put("error", e.code());
                LOG.log(System.Logger.Level.WARNING, "template " + name + " cannot be read: " + e.getMessage());
            }
        }
        return HttpRoute.Response.json(200, body.toString());
    }

    /**
     * {@code GET /api/worlds}: the caller's own worlds. The caller is authenticated like a WebSocket handshake
     * ({@code Authorization: Bearer}, {@code ?token=}, or an anonymous {@code ?resumeToken=}); never anyone else's.
     */
    HttpRoute.Response worlds(HttpRoute.Request request) {
        if (!isGet(request)) {
            return methodNotAllowed();
        }
        Principal principal;
        try {
            principal = engine.authenticate(request.asHandshake());
        } catch (AuthenticationException e) {
            return error(401, "unauthorized", e.getMessage());
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("userId", principal.userId().value());
        body.put("anonymous", principal.anonymous());
        ArrayNode list = body.putArray("worlds");
        List<WorldName> names = engine.store().listWorlds(principal.userId());
        for (WorldName name : names.subList(0, Math.min(names.size(), MAX_WORLDS_LISTED))) {
            ObjectNode entry = list.addObject();
            entry.put("name", name.value());
            try {
                World world = engine.store().load(new WorldKey(principal.userId(), name));
                entry.put("displayName", world.config().name());
                world.config().cloneMetadata().ifPresent(meta -> {
                    entry.put("template", meta.originalTemplate().value());
                    entry.put("createdAt", meta.clonedAt().toString());
                });
                entry.put("agents", world.agents().size());
            } catch (WorldWsException e) {
                entry.put("error", e.code());
            }
        }
        body.put("truncated", names.size() > MAX_WORLDS_LISTED);
        return HttpRoute.Response.json(200, body.toString());
    }

    private static ObjectNode stats(EngineStats stats) {
        ObjectNode node = JSON.createObjectNode();
        node.put("connections", stats.connections());
        node.put("worldsLoaded", stats.worldsLoaded());
        node.put("messagesIn", stats.messagesIn());
        node.put("messagesOut", stats.messagesOut());
        node.put("errors", stats.errors());
        node.put("bytesIn", stats.bytesIn());
        node.put("bytesOut", stats.bytesOut());
        node.put("dropped", stats.dropped());
        node.put("busSubscriptions", stats.busSubscriptions());
        return node;
    }

    private static boolean isGet(HttpRoute.Request request) {
        return request.method().equals("GET") || request.method().equals("HEAD");
    }

    private static HttpRoute.Response methodNotAllowed() {
        return error(405, "method_not_allowed", "only GET is supported here");
    }

    static HttpRoute.Response error(int status, String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("code", code).put("message", message);
        return HttpRoute.Response.json(status, body.toString());
    }
}
