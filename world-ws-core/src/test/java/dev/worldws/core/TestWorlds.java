package dev.worldws.core;

import dev.worldws.api.AgentId;
import dev.worldws.api.TemplateName;
import dev.worldws.api.UserId;
import dev.worldws.api.spi.Authenticator;
import dev.worldws.api.spi.Handshake;
import dev.worldws.api.spi.Identity;
import dev.worldws.api.world.Agent;
import dev.worldws.api.world.AgentConfig;
import dev.worldws.api.world.World;
import dev.worldws.api.world.WorldConfig;
import dev.worldws.testkit.SampleWorlds;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Templates and handshakes for engine tests. */
final class TestWorlds {
    private TestWorlds() {}

    /** Known users named by the {@code x-user} header; anonymous without it. */
    static final Authenticator BY_HEADER = handshake -> handshake.header("x-user")
            .map(user -> Identity.known(UserId.of(user)))
            .orElse(Identity.anonymous());

    static Handshake user(String name) {
        return new Handshake(Map.of("x-user", List.of(name)), Map.of(), "test");
    }

    static Handshake resume(String token) {
        return new Handshake(Map.of(), Map.of("resumeToken", List.of(token)), "test");
    }

    /** An agent answering with {@code replies} in turn, using {@code provider}. */
    static Agent agent(String id, String provider, String... replies) {
        Map<String, Object> extra = new LinkedHashMap<>();
        if (replies.length > 0) {
            extra.put("offlineReplies", List.of(replies));
        }
        return new Agent(new AgentConfig(AgentId.of(id), id, null, true, true, provider, null, null, null, 0, extra),
                "You are " + id + ".", List.of());
    }

    static World world(String id, int turnLimit, Agent... agents) {
        return new World(new WorldConfig(id, id, "", turnLimit, null, null, null, Map.of()), List.of(agents),
                List.of(), List.of());
    }

    /** garden, workshop (samples), plus: ping-pong (a and b mention each other), broken (one failing agent
     *  and one healthy), quiet (an inactive agent). */
    static Map<TemplateName, World> templates() {
        Map<TemplateName, World> templates = new LinkedHashMap<>(SampleWorlds.templates());
        templates.put(TemplateName.of("ping-pong"), world("ping-pong", 3,
                agent("a", null, "@b ping"), agent("b", null, "@a pong")));
        templates.put(TemplateName.of("broken"), world("broken", 5,
                agent("fine", null, "still here"), agent("oracle", "failing")));
        Agent sleeper = agent("sleeper", null, "zzz");
        templates.put(TemplateName.of("quiet"), world("quiet", 5,
                sleeper.withConfig(sleeper.config().withActive(false)), agent("talker", null, "hi {sender}")));
        return templates;
    }
}
