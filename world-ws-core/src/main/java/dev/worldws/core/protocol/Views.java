package dev.worldws.core.protocol;

import dev.worldws.api.event.ActivityEvent;
import dev.worldws.api.event.AgentUpdatedEvent;
import dev.worldws.api.event.MessageEvent;
import dev.worldws.api.event.SenderType;
import dev.worldws.api.event.StreamEvent;
import dev.worldws.api.event.SystemEvent;
import dev.worldws.api.event.WorldEvent;
import dev.worldws.api.event.WorldReloadedEvent;
import dev.worldws.api.protocol.ActivityView;
import dev.worldws.api.protocol.AgentUpdated;
import dev.worldws.api.protocol.AgentView;
import dev.worldws.api.protocol.ChatResponse;
import dev.worldws.api.protocol.EventStream;
import dev.worldws.api.protocol.MessageView;
import dev.worldws.api.protocol.NoticeView;
import dev.worldws.api.protocol.ServerMessage;
import dev.worldws.api.protocol.ServerPayload;
import dev.worldws.api.protocol.WorldReloaded;
import dev.worldws.api.protocol.WorldView;
import dev.worldws.api.world.Agent;
import dev.worldws.api.world.AgentConfig;
import dev.worldws.api.world.World;
import dev.worldws.api.world.WorldConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * How the core shows worlds, agents and world events to clients: the mapping from each event to a server
 * message ({@link StreamEvent} to {@code chat_response}; {@link MessageEvent}, {@link ActivityEvent} and
 * {@link SystemEvent} to {@code event_stream}; {@link AgentUpdatedEvent} to {@code agent_updated};
 * {@link WorldReloadedEvent} to {@code world_reloaded}).
 */
public final class Views {
    // the enums' wire names, computed once: wireName() and name().toLowerCase() build a new string per call, and
    // every frame of a reply needs one
    private static final String[] STREAM_KINDS = names(StreamEvent.Kind.values(), StreamEvent.Kind::wireName);
    private static final String[] ACTIVITY_KINDS = names(ActivityEvent.Kind.values(), ActivityEvent.Kind::wireName);
    private static final String[] SENDER_TYPES = names(SenderType.values(),
            type -> type.name().toLowerCase(Locale.ROOT));

    private Views() {}

    private static <E extends Enum<E>> String[] names(E[] values, Function<E, String> wireName) {
        String[] names = new String[values.length];
        for (E value : values) {
            names[value.ordinal()] = wireName.apply(value);
        }
        return names;
    }

    /** The server message carrying {@code event}, with the event's seq and timestamp. */
    public static ServerMessage message(WorldEvent event) {
        return new ServerMessage(null, event.seq(), event.timestamp(), payload(event));
    }

    private static ServerPayload payload(WorldEvent event) {
        if (event instanceof StreamEvent stream) {
            return new ChatResponse(stream.agentId(), stream.messageId(), stream.replyToMessageId(), stream.chatId(),
                    STREAM_KINDS[stream.kind().ordinal()], stream.content(),
                    stream.kind() == StreamEvent.Kind.END || stream.kind() == StreamEvent.Kind.ERROR);
        }
        if (event instanceof MessageEvent message) {
            return new EventStream(message.channel().wireName(), new MessageView(message.type(), message.chatId(),
                    message.messageId(), message.sender(), SENDER_TYPES[message.senderType().ordinal()],
                    message.content(), message.replyToMessageId(), message.timestamp()));
        }
        if (event instanceof ActivityEvent activity) {
            return new EventStream(activity.channel().wireName(), new ActivityView(
                    ACTIVITY_KINDS[activity.kind().ordinal()],
                    activity.chatId(), activity.pendingOperations(), activity.activeAgents()));
        }
        if (event instanceof SystemEvent notice) {
            return new EventStream(notice.channel().wireName(), new NoticeView(notice.type(), notice.chatId(),
                    notice.messageId(), notice.content()));
        }
        if (event instanceof AgentUpdatedEvent updated) {
            return new AgentUpdated(updated.config().id().value(), agent(updated.config(), updated.systemPrompt(), updated.memorySize()),
                    updated.updatedBy());
        }
        WorldReloadedEvent reloaded = (WorldReloadedEvent) event;
        return new WorldReloaded(world(reloaded.snapshot().config()), agents(reloaded.snapshot()),
                reloaded.reloadedBy());
    }

    public static WorldView world(WorldConfig config) {
        return new WorldView(config.id(), config.name(), config.description(), config.turnLimit(),
                config.mainAgent(), config.currentChatId(),
                config.metadata() == null ? null : config.metadata().originalTemplate().value(),
                config.metadata() == null ? null : config.metadata().clonedAt());
    }

    public static List<AgentView> agents(World world) {
        return world.agents().stream().map(Views::agent).toList();
    }

    public static AgentView agent(Agent agent) {
        return agent(agent.config(), agent.systemPrompt(), agent.memory().size());
    }

    static AgentView agent(AgentConfig config, String systemPrompt, int memorySize) {
        return new AgentView(config.id().value(), config.name(), config.type(), config.active(), config.autoReply(),
                config.provider(), config.model(), config.temperature(), config.maxTokens(), config.llmCallCount(),
                systemPrompt, memorySize, withoutCredentials(config.extra()));
    }

    private static Map<String, Object> withoutCredentials(Map<String, Object> extra) {
        if (extra.isEmpty()) {
            return extra;
        }
        Map<String, Object> visible = new LinkedHashMap<>();
        extra.forEach((key, value) -> {
            String lower = key.toLowerCase(Locale.ROOT);
            if (!(lower.contains("apikey") || lower.contains("api_key") || lower.contains("secret")
                    || lower.contains("token") || lower.contains("password"))) {
                visible.put(key, value);
            }
        });
        return visible;
    }
}
