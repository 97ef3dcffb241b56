package dev.worldws.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.worldws.api.AgentId;
import dev.worldws.api.WorldKey;
import dev.worldws.api.event.MessageEvent;
import dev.worldws.api.event.SenderType;
import dev.worldws.api.spi.ReplyRequest;
import dev.worldws.api.world.Agent;
import dev.worldws.api.world.AgentConfig;
import dev.worldws.api.world.WorldConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("reply rules and the offline responder")
class ReplyRulesTest {
    private static final WorldKey WORLD = WorldKey.of("u", "w");
    private final Agent poet = agent("poet", true);
    private final Agent smith = agent("smith", true);

    private static Agent agent(String id, boolean active) {
        return new Agent(new AgentConfig(AgentId.of(id), id, null, active, true, null, null, null, null, 0,
                Map.of("offlineReplies", List.of("one {sender}", "two {message}"))), "", List.of());
    }

    private static MessageEvent from(String sender, String content) {
        return new MessageEvent(WORLD, "c", 0, Instant.EPOCH, "m", sender, SenderType.of(sender), content, null, "n");
    }

    @Test
    @DisplayName("a human message without mentions is for everybody; mid-text mentions are for nobody")
    void humanMessages() {
        assertThat(ReplyRules.shouldRespond(poet, from("human", "hello all"))).isTrue();
        assertThat(ReplyRules.shouldRespond(poet, from("human", "what does @smith think?"))).isFalse();
        assertThat(ReplyRules.shouldRespond(smith, from("human", "what does @smith think?"))).isFalse();
        assertThat(ReplyRules.shouldRespond(smith, from("human", "@smith, @poet: hi"))).isTrue();
        assertThat(ReplyRules.shouldRespond(poet, from("human", "@smith, @poet: hi"))).isTrue();
        assertThat(ReplyRules.shouldRespond(poet, from("human", "intro\n  @poet second paragraph"))).isTrue();
        assertThat(ReplyRules.shouldRespond(smith, from("human", "intro\n  @poet second paragraph"))).isFalse();
        assertThat(ReplyRules.shouldRespond(poet, from("human", "@POET. hi"))).as("case and punctuation").isTrue();
    }

    @Test
    @DisplayName("agents answer agents only when mentioned at a paragraph start, never themselves, the system or a turn limit")
    void agentMessages() {
        assertThat(ReplyRules.shouldRespond(poet, from("smith", "nice weather"))).isFalse();
        assertThat(ReplyRules.shouldRespond(poet, from("smith", "@poet nice weather"))).isTrue();
        assertThat(ReplyRules.shouldRespond(poet, from("poet", "@poet talking to myself"))).isFalse();
        assertThat(ReplyRules.shouldRespond(poet, from("system", "hello"))).isFalse();
        assertThat(ReplyRules.shouldRespond(poet, from("smith", "@poet " + ReplyRules.turnLimitMessage(5)))).isFalse();
        assertThat(ReplyRules.shouldRespond(agent("poet", false), from("human", "hello"))).as("inactive").isFalse();
    }

    @Test
    @DisplayName("the turn limit stops an agent; human and world messages reset it")
    void turnLimit() {
        Agent tired = poet.withConfig(poet.config().withLlmCallCount(5));
        assertThat(ReplyRules.mustStop(tired, 5)).isTrue();
        assertThat(ReplyRules.mustStop(poet, 5)).isFalse();
        assertThat(ReplyRules.resetsTurns(SenderType.HUMAN)).isTrue();
        assertThat(ReplyRules.resetsTurns(SenderType.WORLD)).isTrue();
        assertThat(ReplyRules.resetsTurns(SenderType.AGENT)).isFalse();
        assertThat(ReplyRules.turnLimitMessage(5)).startsWith("@human Turn limit reached (5 LLM calls)");
    }

    @Test
    @DisplayName("the offline responder cycles its replies, substitutes, and streams words that add up to the reply")
    void offlineResponder() {
        WorldConfig config = new WorldConfig("w", "w", "", 5, null, null, null, Map.of());
        List<String> replies = new ArrayList<>();
        for (long n = 0; n < 3; n++) {
            List<String> chunks = new ArrayList<>();
            String reply = AgentResponders.offline().respond(new ReplyRequest(WORLD, config, poet,
                    from("ann", "the sea"), n), chunks::add).toCompletableFuture().join();
            assertThat(String.join("", chunks)).isEqualTo(reply);
            assertThat(chunks).hasSizeGreaterThan(1);
            replies.add(reply);
        }
        assertThat(replies).containsExactly("one ann", "two the sea", "one ann");
        Agent plain = new Agent(AgentConfig.of(AgentId.of("plain"), "Plain"), "", List.of());
        assertThat(AgentResponders.offline().respond(new ReplyRequest(WORLD, config, plain, from("ann", "hi"), 0),
                chunk -> { }).toCompletableFuture().join()).isEqualTo("Plain heard ann: hi");
    }
}
