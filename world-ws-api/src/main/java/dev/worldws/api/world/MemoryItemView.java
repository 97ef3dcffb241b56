package dev.worldws.api.world;

import java.time.Instant;

/**
 * A memory item read in place from the bytes an agent's memory keeps it in, without building the {@link MemoryItem}
 * (see {@link Lists#forEachMemoryItem}): for a store that writes new items out on every save. Its fields are those of
 * {@link MemoryItem}; such an item has no extra fields. A view, and every text it returns, is valid only during the
 * call that hands it out, and is not thread-safe.
 */
public interface MemoryItemView {
    String role();

    /** The content, read from the packed bytes on each {@link CharSequence#charAt}; {@code toString} copies it. */
    CharSequence content();

    /** Null if the item has none. */
    Instant createdAt();

    /** Null if the item has none. */
    String sender();

    /** Null if the item has none. */
    String chatId();

    /** Null if the item has none. */
    CharSequence messageId();

    /** Null if the item has none. */
    CharSequence replyToMessageId();

    /** Null if the item has none. */
    String agentId();
}
