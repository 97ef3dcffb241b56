package dev.worldws.api.world;

import java.util.List;

/** Questions about a world's growing lists (its event log, an agent's memory) that are cheap to answer. */
public final class Lists {
    private Lists() {}

    /**
     * Whether {@code list} begins with the items of {@code prefix}. When {@code list} grew from {@code prefix} (both
     * are versions of one world's event log or of one agent's memory) this is known without reading an item, and it
     * should be: their items are kept packed and built anew on every read. Otherwise the items are compared from the
     * last one back (the same instance, or equal).
     */
    public static boolean startsWith(List<?> list, List<?> prefix) {
        if (list instanceof GrowingList<?> growing && growing.grewFrom(prefix)) {
            return true;
        }
        if (prefix.size() > list.size()) {
            return false;
        }
        for (int i = prefix.size() - 1; i >= 0; i--) {
            Object a = prefix.get(i);
            Object b = list.get(i);
            if (a != b && !a.equals(b)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The chat every event belongs to, or null if they belong to more than one or there are none. For a world's event
     * log this is known without reading an event.
     */
    public static String onlyChat(List<EventLogEntry> events) {
        if (events instanceof GrowingList<EventLogEntry> growing && growing.groupOrderKnown()) {
            return growing.onlyGroup();
        }
        if (events.isEmpty()) {
            return null;
        }
        String first = chatAt(events, 0);
        for (int i = 1; i < events.size(); i++) {
            if (!first.equals(chatAt(events, i))) {
                return null;
            }
        }
        return first;
    }

    /**
     * Whether the events' chat ids never decrease (in {@link String#compareTo} order). For a world's event log this is
     * known without reading an event.
     */
    public static boolean inChatOrder(List<EventLogEntry> events) {
        if (events instanceof GrowingList<EventLogEntry> growing && growing.groupOrderKnown()) {
            return growing.inGroupOrder();
        }
        String last = null;
        for (int i = 0; i < events.size(); i++) {
            String chat = chatAt(events, i);
            if (last != null && chat.compareTo(last) < 0) {
                return false;
            }
            last = chat;
        }
        return true;
    }

    /**
     * The chat of the event at {@code index}, the same as {@code events.get(index).chatId()}. For a world's event log
     * it is read from the event's packed bytes without building the event (which {@code get} does anew on every
     * call): walking a long log for one chat's events costs little for the events of other chats.
     *
     * @throws IndexOutOfBoundsException if {@code index} is not in the list
     */
    public static String chatAt(List<EventLogEntry> events, int index) {
        if (events instanceof GrowingList<EventLogEntry> growing && growing.packedWith(EventLogEntryCodec.INSTANCE)) {
            return growing.groupAt(index);
        }
        return events.get(index).chatId();
    }

    /**
     * {@code events} with {@code entry} appended, kept packed as a world's event log keeps its items; {@code events}
     * is unchanged. In amortised constant time when {@code events} came from this method or is a world's log (the
     * new list shares their storage), else {@code events} is copied first. For a store that keeps a log split by
     * chat, say, as it grows: {@link #startsWith} then knows each chat's list grew from its last version.
     *
     * @throws NullPointerException if {@code entry} is null
     */
    public static List<EventLogEntry> withEvent(List<EventLogEntry> events, EventLogEntry entry) {
        return GrowingList.copyOf(events, EventLogEntryCodec.INSTANCE).plus(entry, EventLogEntryCodec.INSTANCE);
    }

    /**
     * Hands the items of {@code memory} from index {@code from} on to {@code visitor}, in order: the ones an agent's
     * memory keeps packed as views read in place (of each, only its creation time is built), any other as the
     * item. For a store that writes the items added since its last save: reading them with
     * {@link List#get} would build each item anew only to write it out.
     *
     * @throws IndexOutOfBoundsException if {@code from} is negative or beyond the memory's size
     * @throws java.io.IOException if the visitor throws it
     */
    public static void forEachMemoryItem(List<MemoryItem> memory, int from, MemoryItemVisitor visitor)
            throws java.io.IOException {
        if (memory instanceof GrowingList<MemoryItem> growing && growing.packedWith(MemoryItemCodec.INSTANCE)) {
            MemoryItemCodec.PackedMemoryItem view = new MemoryItemCodec.PackedMemoryItem();
            growing.forEachFrom(from, new GrowingList.ItemOrBytes<>() {
                @Override
                public void item(MemoryItem item) throws java.io.IOException {
                    visitor.item(item);
                }

                @Override
                public void packed(Packing.Unpacker in) throws java.io.IOException {
                    MemoryItemCodec.INSTANCE.read(in, view);
                    visitor.packed(view);
                }
            });
            return;
        }
        java.util.Objects.checkFromToIndex(from, memory.size(), memory.size());
        for (int i = from; i < memory.size(); i++) {
            visitor.item(memory.get(i));
        }
    }
}
