package dev.worldws.core;

import dev.worldws.api.event.MessageEvent;
import dev.worldws.api.event.SenderType;
import dev.worldws.api.protocol.MessageView;
import dev.worldws.api.world.Chat;
import dev.worldws.api.world.EventLogEntry;
import dev.worldws.api.world.Extras;
import dev.worldws.api.world.Lists;
import dev.worldws.api.world.World;
import dev.worldws.core.protocol.IsoInstants;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The conversation as a world stores it, in agent-world's format: one {@code events/{chatId}.json} entry of type
 * {@code message} per complete message (humans' and agents'; never stream chunks) and a {@code chats/{chatId}.json}
 * with {@code messageCount} and {@code updatedAt}, created by the chat's first message.
 *
 * <p>Pure functions over immutable {@link World}s; the runtime calls them on its actor.
 */
final class ChatLog {
    static final String MESSAGE = "message";

    /** Per sender type, the meta map of each sender's entries, shared: it is the same for all of them. */
    private static final Map<SenderType, Map<String, Map<String, Object>>> METAS = new EnumMap<>(SenderType.class);
    /** Senders whose meta is shared, per sender type; beyond that (many templates, many agent ids) each entry has its own. */
    private static final int MAX_SHARED_METAS = 4096;

    static {
        for (SenderType type : SenderType.values()) {
            METAS.put(type, new ConcurrentHashMap<>());
        }
    }

    private ChatLog() {}

    /**
     * An entry's {@code meta}, {@code {sender, senderType}}: one frozen map per sender and type for every world,
     * rather than a new one for every message (the log keeps its entries packed, so this saves garbage, not memory).
     */
    static Map<String, Object> meta(String sender, SenderType senderType) {
        Map<String, Map<String, Object>> ofType = METAS.get(senderType);
        Map<String, Object> shared = ofType.get(sender);
        if (shared != null) {
            return shared;
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("sender", sender);
        meta.put("senderType", senderType.name().toLowerCase(Locale.ROOT));
        Map<String, Object> frozen = Extras.copyOf(meta);
        if (ofType.size() < MAX_SHARED_METAS) {
            Map<String, Object> raced = ofType.putIfAbsent(sender, frozen);
            return raced != null ? raced : frozen;
        }
        return frozen;
    }

    /** {@code world} with {@code message} appended to its chat's event log and counted in the chat. */
    static World append(World world, MessageEvent message) {
        return append(world, message, new SeqIndex());
    }

    /**
     * {@code world} with {@code message} appended to its chat's event log and counted in the chat; {@code seqs}
     * (kept by the caller from one append to the next) spares a scan of the whole log per message.
     */
    static World append(World world, MessageEvent message, SeqIndex seqs) {
        String chatId = message.chatId();
        long seq = seqs.next(world.events(), chatId);
        String at = format(message.timestamp());
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("content", message.content());
        payload.put("sender", message.sender());
        payload.put("timestamp", at);
        payload.put("messageId", message.messageId());
        payload.put("chatId", chatId);
        if (message.replyToMessageId() != null) {
            payload.put("replyToMessageId", message.replyToMessageId());
        }
        World appended = world.withEventAppended(new EventLogEntry(message.messageId(), world.config().id(), chatId,
                MESSAGE, payload, meta(message.sender(), message.senderType()), message.timestamp(), seq, Map.of()));
        seqs.appended(appended.events(), chatId, seq);

        List<Chat> chats = new ArrayList<>(world.chats().size() + 1);
        boolean found = false;
        for (Chat chat : world.chats()) {
            if (chat.id().equals(chatId)) {
                found = true;
                chats.add(new Chat(chat.id(), chat.worldId() == null ? world.config().id() : chat.worldId(), chat.name(),
                        chat.createdAt() == null ? message.timestamp() : chat.createdAt(), message.timestamp(),
                        chat.messageCount() + 1, chat.extra()));
            } else {
                chats.add(chat);
            }
        }
        if (!found) {
            chats.add(new Chat(chatId, world.config().id(), chatId, message.timestamp(), message.timestamp(), 1,
                    Map.of()));
        }
        return appended.withChats(chats);
    }

    /**
     * The highest seq of each chat in one event log (the highest, not the last: a log written by another tool need
     * not be in order), kept up to date by {@link #append}; a log it did not see grow is indexed afresh.
     * Not thread-safe: the runtime keeps one on its actor.
     */
    static final class SeqIndex {
        private List<EventLogEntry> indexed;
        private final Map<String, Long> highest = new HashMap<>();

        long next(List<EventLogEntry> events, String chatId) {
            if (events != indexed) {
                highest.clear();
                for (EventLogEntry entry : events) {
                    highest.merge(entry.chatId(), entry.seq(), Math::max);
                }
                indexed = events;
            }
            return highest.getOrDefault(chatId, 0L) + 1;
        }

        void appended(List<EventLogEntry> events, String chatId, long seq) {
            highest.merge(chatId, seq, Math::max);
            indexed = events;
        }
    }

    /** The last {@code limit} messages of {@code chatId} in the world's event log, oldest first. */
    static Page recent(World world, String chatId, int limit) {
        return page(world, chatId, null, limit).orElseThrow();
    }

    /** One page of a chat's messages, oldest first; {@code hasMore} if older ones exist. */
    record Page(List<MessageView> messages, boolean hasMore) {
    }

    /**
     * The {@code limit} messages of {@code chatId} before the message {@code before} (the latest ones if it is
     * null), or empty if the chat has no message with that id.
     */
    static Optional<Page> page(World world, String chatId, String before, int limit) {
        // from the end, so that a page reads only the entries it passes, not a long log's all (they are packed); of
        // another chat's entries only the chat is read, and a log in chat order is not walked outside this chat's
        List<EventLogEntry> events = world.events();
        int from = events.size();
        int to = 0;
        boolean otherChats = true;
        String onlyChat = Lists.onlyChat(events);
        if (onlyChat != null) {
            from = onlyChat.equals(chatId) ? from : 0;
            otherChats = false;
        } else if (Lists.inChatOrder(events)) {
            to = firstAtOrAfter(events, chatId, false);
            from = firstAtOrAfter(events, chatId, true);
            otherChats = false;
        }
        ArrayDeque<MessageView> page = new ArrayDeque<>(Math.min(limit, 64));
        boolean found = before == null;
        for (int i = from - 1; i >= to; i--) {
            if (otherChats && !Lists.chatAt(events, i).equals(chatId)) {
                continue;
            }
            EventLogEntry entry = events.get(i);
            MessageView view = MESSAGE.equals(entry.type()) ? view(entry) : null;
            if (view == null) {
                continue;
            }
            if (!found) {
                found = before.equals(view.messageId());
            } else if (page.size() == limit) {
                return Optional.of(new Page(List.copyOf(page), true));
            } else {
                page.addFirst(view);
            }
        }
        return found ? Optional.of(new Page(List.copyOf(page), false)) : Optional.empty();
    }

    /**
     * In a log in chat order, the index of the first event whose chat sorts after {@code chatId} ({@code after}) or
     * not before it; the log's size if there is none. Reads the chats of some log2(size) events.
     */
    private static int firstAtOrAfter(List<EventLogEntry> events, String chatId, boolean after) {
        int low = 0;
        int high = events.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            int order = Lists.chatAt(events, middle).compareTo(chatId);
            if (order > 0 || (order == 0 && !after)) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        return low;
    }

    /** A message event as history shows it (the same shape as an {@code event_stream} message). */
    static MessageView view(MessageEvent message) {
        return new MessageView(MESSAGE, message.chatId(), message.messageId(), message.sender(),
                message.senderType().name().toLowerCase(Locale.ROOT), message.content(), message.replyToMessageId(),
                message.timestamp());
    }

    /** A stored entry as a message, or null if it holds no message text (a log written by another tool). */
    private static MessageView view(EventLogEntry entry) {
        Map<String, Object> payload = entry.payload();
        if (!(payload.get("content") instanceof String content)) {
            return null;
        }
        String sender = text(payload.get("sender"), text(entry.meta().get("sender"), "human"));
        String senderType = text(entry.meta().get("senderType"), SenderType.of(sender).name().toLowerCase(Locale.ROOT));
        String messageId = text(payload.get("messageId"), entry.id());
        Instant at = entry.createdAt();
        if (payload.get("timestamp") instanceof String stamp) {
            try {
                at = IsoInstants.parse(stamp);
            } catch (DateTimeParseException ignored) {
                // keep createdAt: the entry's own time is as good
            }
        }
        return new MessageView(MESSAGE, entry.chatId(), messageId, sender, senderType, content,
                text(payload.get("replyToMessageId"), null), at);
    }

    private static String text(Object value, String fallback) {
        return value instanceof String string && !string.isEmpty() ? string : fallback;
    }

    /** agent-world's timestamp format: ISO-8601 UTC with milliseconds. */
    private static String format(Instant instant) {
        return IsoInstants.storedText(instant.truncatedTo(ChronoUnit.MILLIS)); // the same instant when already whole ms
    }
}
