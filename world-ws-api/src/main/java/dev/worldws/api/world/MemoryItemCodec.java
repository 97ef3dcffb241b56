package dev.worldws.api.world;

/** Packs an agent's memory items (see {@link Packing}); an item with extra fields is kept as an object. */
final class MemoryItemCodec implements Packing.Codec<MemoryItem> {
    static final MemoryItemCodec INSTANCE = new MemoryItemCodec();

    private static final int CREATED_AT = 1;
    private static final int SENDER = 2;
    private static final int CHAT_ID = 4;
    private static final int MESSAGE_ID = 8;
    private static final int REPLY_TO = 16;
    private static final int AGENT_ID = 32;

    private MemoryItemCodec() {}

    @Override
    public boolean pack(MemoryItem item, Packing.Packer out) {
        if (!item.extra().isEmpty()) {
            return false;
        }
        int present = (item.createdAt() != null ? CREATED_AT : 0) | (item.sender() != null ? SENDER : 0)
                | (item.chatId() != null ? CHAT_ID : 0) | (item.messageId() != null ? MESSAGE_ID : 0)
                | (item.replyToMessageId() != null ? REPLY_TO : 0) | (item.agentId() != null ? AGENT_ID : 0);
        out.putByte(present);
        out.putName(item.role());
        out.putString(item.content());
        if (item.createdAt() != null) {
            out.putInstant(item.createdAt());
        }
        if (item.sender() != null) {
            out.putName(item.sender());
        }
        if (item.chatId() != null) {
            out.putName(item.chatId());
        }
        if (item.messageId() != null) {
            out.putId(item.messageId());
        }
        if (item.replyToMessageId() != null) {
            out.putId(item.replyToMessageId());
        }
        if (item.agentId() != null) {
            out.putName(item.agentId());
        }
        return true;
    }

    @Override
    public MemoryItem unpack(Packing.Unpacker in) {
        int present = in.getByte();
        String role = in.getName();
        String content = in.getString();
        return new MemoryItem(role, content,
                (present & CREATED_AT) != 0 ? in.getInstant() : null,
                (present & SENDER) != 0 ? in.getName() : null,
                (present & CHAT_ID) != 0 ? in.getName() : null,
                (present & MESSAGE_ID) != 0 ? in.getId() : null,
                (present & REPLY_TO) != 0 ? in.getId() : null,
                (present & AGENT_ID) != 0 ? in.getName() : null,
                null);
    }

    /** Reads the item {@link #pack} wrote into {@code into}, in place. */
    void read(Packing.Unpacker in, PackedMemoryItem into) {
        int present = in.getByte();
        into.role = in.getName();
        in.getText(into.content);
        into.createdAt = (present & CREATED_AT) != 0 ? in.getInstant() : null;
        into.sender = (present & SENDER) != 0 ? in.getName() : null;
        into.chatId = (present & CHAT_ID) != 0 ? in.getName() : null;
        into.hasMessageId = (present & MESSAGE_ID) != 0;
        if (into.hasMessageId) {
            in.getId(into.messageId);
        }
        into.hasReplyTo = (present & REPLY_TO) != 0;
        if (into.hasReplyTo) {
            in.getId(into.replyTo);
        }
        into.agentId = (present & AGENT_ID) != 0 ? in.getName() : null;
    }

    /** A packed memory item's fields, read in place by {@link #read}; reused from one item to the next. */
    static final class PackedMemoryItem implements MemoryItemView {
        private String role;
        private final PackedText content = new PackedText();
        private java.time.Instant createdAt;
        private String sender;
        private String chatId;
        private boolean hasMessageId;
        private final PackedText messageId = new PackedText();
        private boolean hasReplyTo;
        private final PackedText replyTo = new PackedText();
        private String agentId;

        @Override
        public String role() {
            return role;
        }

        @Override
        public CharSequence content() {
            return content;
        }

        @Override
        public java.time.Instant createdAt() {
            return createdAt;
        }

        @Override
        public String sender() {
            return sender;
        }

        @Override
        public String chatId() {
            return chatId;
        }

        @Override
        public CharSequence messageId() {
            return hasMessageId ? messageId : null;
        }

        @Override
        public CharSequence replyToMessageId() {
            return hasReplyTo ? replyTo : null;
        }

        @Override
        public String agentId() {
            return agentId;
        }
    }

    @Override
    public int names() {
        return 16;
    }
}
