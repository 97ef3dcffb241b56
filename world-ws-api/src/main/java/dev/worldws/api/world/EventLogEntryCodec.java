package dev.worldws.api.world;

/**
 * Packs a world's event log entries (see {@link Packing}). The chat, the type, the world and every map key are
 * names; so are the values of the meta map (sender and sender type), and of payload keys that name a party or a
 * chat. Message ids (the entry's, and the payload's message and reply ids) take 17 bytes instead of 40 when they
 * have the form the runtime gives them. An entry with a value that has no byte form is kept as an object.
 */
final class EventLogEntryCodec implements Packing.Codec<EventLogEntry> {
    static final EventLogEntryCodec INSTANCE = new EventLogEntryCodec();

    private static final int WORLD_ID = 1;
    private static final int CREATED_AT = 2;

    private EventLogEntryCodec() {}

    @Override
    public boolean pack(EventLogEntry entry, Packing.Packer out) {
        out.putByte((entry.worldId() != null ? WORLD_ID : 0) | (entry.createdAt() != null ? CREATED_AT : 0));
        out.putName(entry.chatId());
        out.putName(entry.type());
        out.putId(entry.id());
        if (entry.worldId() != null) {
            out.putName(entry.worldId());
        }
        if (entry.createdAt() != null) {
            out.putInstant(entry.createdAt());
        }
        out.putLong(entry.seq());
        return out.putMap(entry.payload(), EventLogEntryCodec::namesAParty, EventLogEntryCodec::namesAMessage)
                && out.putMap(entry.meta(), key -> true, key -> false)
                && out.putMap(entry.extra());
    }

    private static boolean namesAMessage(String key) {
        return key.equals("messageId") || key.equals("replyToMessageId");
    }

    private static boolean namesAParty(String key) {
        return key.equals("sender") || key.equals("chatId") || key.equals("agentId") || key.equals("senderType");
    }

    @Override
    public EventLogEntry unpack(Packing.Unpacker in) {
        int present = in.getByte();
        String chatId = in.getName();
        String type = in.getName();
        String id = in.getId();
        String worldId = (present & WORLD_ID) != 0 ? in.getName() : null;
        java.time.Instant createdAt = (present & CREATED_AT) != 0 ? in.getInstant() : null;
        long seq = in.getLong();
        return new EventLogEntry(id, worldId, chatId, type, in.getMap(), in.getMap(), createdAt, seq, in.getMap());
    }

    /** The chat: a log is saved as one file per chat, and compared in chat order. */
    @Override
    public String group(EventLogEntry entry) {
        return entry.chatId();
    }

    /** The chat, which {@link #pack} writes right after the first byte. */
    @Override
    public String packedGroup(Packing.Unpacker in) {
        in.getByte();
        return in.getName();
    }

    @Override
    public int names() {
        return 32;
    }
}
