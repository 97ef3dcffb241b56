package dev.worldws.core.bus;

import dev.worldws.api.WorldKey;
import dev.worldws.api.event.ActivityEvent;
import dev.worldws.api.event.MessageEvent;
import dev.worldws.api.event.SenderType;
import dev.worldws.api.event.StreamEvent;
import dev.worldws.api.event.SystemEvent;
import dev.worldws.api.event.WorldEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * The replay history of one topic, oldest first, kept as bytes: each message, stream step, activity and system event
 * is packed (into a scratch array of the publishing thread, then copied) onto the end of a chain of byte chunks, and
 * unpacked into an equal event only when a resume asks for it. The rare, large
 * events (an agent's new configuration, a reloaded world) are kept as objects beside the bytes, in order.
 *
 * <p>Why: the history is the part of a busy server's heap that lives a few seconds and then dies: every event of
 * every world stays in it for a few hundred more. Kept as objects (an event, its timestamp, its strings: four or
 * five objects each), the youngest of them were alive at every young collection, were copied once or twice and then
 * promoted, and each world's history array, being old, had a reference to a new event written into it with every
 * event, so every collection also scanned those cards; about a quarter of G1's pause time went to them. Packed, an
 * event is a few bytes in a chunk, and a byte array holds no references to scan.
 *
 * <p>Why chunks: one array per history that grew by half when full was copied into a new array four times while a
 * new world's history filled its window (to some 50 KB for the sample template), and each of those arrays lived
 * seconds: young collections copied them too, and they died old. With a new world for each of 1,000 users, that
 * was most of what each young pause copied (JFR's promotion events: 5 of some 6 MB per pause). Chunks are written
 * once, never moved, and go back to the bus's {@link HistoryChunks} when trimming leaves them behind, for the next
 * history that grows. A history's first chunk is small and its own, so a world with a handful of events costs
 * little; an entry too long for a pooled chunk gets a chunk of its own size.
 *
 * <p>An entry: its length (int), the time it was recorded (long), its sequence number (long), a tag (byte) and the
 * event's fields; an entry never spans two chunks. Entries are written from {@code tail} on in the last chunk and
 * dropped from {@code head} in the first; where an entry did not fit, a chunk ends with a length of 0 (or with fewer
 * than four bytes left). Strings are stored as Latin-1 bytes when every char fits, else as UTF-16 chars, so any
 * string (also one with a lone surrogate) comes back equal; a lowercase UUID in 16 bytes; and an id that an earlier
 * entry of the same chunk holds (a reply's ids, repeated by each of its stream steps) as the place of that entry's
 * copy (see {@link Packer}): a stream step of the sample template takes some 65 bytes instead of 150.
 *
 * <p>Not thread-safe: the topic guards it.
 */
final class PackedHistory {
    /** The size of a history's first chunk, which is not pooled. */
    static final int FIRST_CHUNK_BYTES = 256;
    private static final int HEADER_BYTES = Integer.BYTES + Long.BYTES + Long.BYTES;

    private static final byte OBJECT = 0;
    private static final byte MESSAGE = 1;
    private static final byte STREAM = 2;
    private static final byte ACTIVITY = 3;
    private static final byte SYSTEM = 4;

    private static final byte NULL = 0;
    private static final byte LATIN1 = 1;
    private static final byte UTF16 = 2;
    private static final byte UUID = 3;
    private static final byte REFERENCE = 4;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static final SenderType[] SENDER_TYPES = SenderType.values();
    private static final StreamEvent.Kind[] STREAM_KINDS = StreamEvent.Kind.values();
    private static final ActivityEvent.Kind[] ACTIVITY_KINDS = ActivityEvent.Kind.values();

    private final WorldKey world;
    private final HistoryChunks pool;
    /** Oldest first; empty exactly when no event is kept. */
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>(3);
    /** Where the oldest entry starts in the first chunk. */
    private int head;
    /** Where the next entry goes in the last chunk. */
    private int tail;
    private int size;
    /**
     * Where in the last chunk the latest string written out in full for each {@link Packer} slot (chat, agent,
     * message id, reply-to id) starts, or -1: an equal string in a later entry of the chunk refers to it.
     */
    private final int[] recent = {-1, -1, -1, -1};
    /** The events kept as objects, in the order of their entries (tag {@link #OBJECT}). */
    private final ArrayDeque<WorldEvent> objects = new ArrayDeque<>(2);

    /** A history for the events of {@code world} (they all carry it, so it is not stored with each), on {@code pool}. */
    PackedHistory(WorldKey world, HistoryChunks pool) {
        this.world = world;
        this.pool = pool;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The sequence number of the oldest event kept; only while not empty. */
    long oldestSeq() {
        return readLong(chunks.getFirst(), head + Integer.BYTES + Long.BYTES);
    }

    /** Appends {@code event} (sequenced, of this history's world), recorded at {@code atMillis}. */
    void add(WorldEvent event, long atMillis) {
        Packer entry = PACKER.get();
        try {
            byte[] last = chunks.peekLast();
            boolean keptAsObject = entry.pack(event, atMillis, last, tail, recent);
            if (last == null || tail + entry.length > last.length) {
                entry.pack(event, atMillis, null, 0, recent); // a new chunk: nothing earlier to refer to
                last = newChunk(entry.length);
            }
            System.arraycopy(entry.bytes, 0, last, tail, entry.length);
            entry.remember(recent, tail);
            tail += entry.length;
            size++;
            if (keptAsObject) {
                objects.addLast(event);
            }
        } finally {
            if (entry.bytes.length > Packer.KEPT_BYTES) {
                PACKER.remove(); // a long message's scratch is not kept by every publishing thread
            }
        }
    }

    /** Drops the oldest events while more than {@code maxSize} are kept or the oldest was recorded at or before {@code expiredMillis}. */
    void trim(int maxSize, long expiredMillis) {
        while (size > 0) {
            byte[] first = chunks.getFirst();
            if (size <= maxSize && readLong(first, head + Integer.BYTES) > expiredMillis) {
                return;
            }
            if (first[head + HEADER_BYTES] == OBJECT) {
                objects.removeFirst();
            }
            head += readInt(first, head);
            size--;
            if (size > 0 && !hasEntryAt(first, head, chunks.size() == 1 ? tail : first.length)) {
                pool.give(chunks.removeFirst());
                head = 0;
            }
        }
        clear();
    }

    /** The events kept with a sequence number above {@code seq}, oldest first. */
    List<WorldEvent> since(long seq) {
        List<WorldEvent> events = new ArrayList<>();
        Iterator<WorldEvent> kept = objects.iterator();
        int at = head;
        int remaining = chunks.size();
        for (byte[] chunk : chunks) {
            int end = --remaining == 0 ? tail : chunk.length;
            for (; hasEntryAt(chunk, at, end); at += readInt(chunk, at)) {
                boolean object = chunk[at + HEADER_BYTES] == OBJECT;
                WorldEvent event = object ? kept.next() : null;
                long entrySeq = readLong(chunk, at + Integer.BYTES + Long.BYTES);
                if (entrySeq > seq) {
                    events.add(object ? event : new Reader(chunk, at + HEADER_BYTES, entrySeq).event());
                }
            }
            at = 0;
        }
        return events;
    }

    void clear() {
        for (byte[] chunk : chunks) {
            pool.give(chunk);
        }
        chunks.clear();
        head = 0;
        tail = 0;
        size = 0;
        Arrays.fill(recent, -1);
        objects.clear();
    }

    /** Bytes held; for tests. */
    int capacity() {
        int bytes = 0;
        for (byte[] chunk : chunks) {
            bytes += chunk.length;
        }
        return bytes;
    }

    /** Bytes the kept entries take; for tests. */
    int liveBytes() {
        int bytes = 0;
        int at = head;
        int remaining = chunks.size();
        for (byte[] chunk : chunks) {
            int end = --remaining == 0 ? tail : chunk.length;
            for (; hasEntryAt(chunk, at, end); at += readInt(chunk, at)) {
                bytes += readInt(chunk, at);
            }
            at = 0;
        }
        return bytes;
    }

    // ---------------------------------------------------------------- room

    /** Starts a new last chunk with room for {@code needed} bytes. */
    private byte[] newChunk(int needed) {
        byte[] last = chunks.peekLast();
        byte[] next;
        if (last == null && needed <= FIRST_CHUNK_BYTES) {
            next = new byte[FIRST_CHUNK_BYTES];
        } else if (needed <= HistoryChunks.CHUNK_BYTES) {
            next = pool.take();
        } else {
            next = new byte[needed];
        }
        if (last != null && tail + Integer.BYTES <= last.length) {
            writeInt(last, tail, 0); // the chunk ends here (a pooled chunk holds old bytes after it)
        }
        if (last == null) {
            head = 0;
        }
        chunks.addLast(next);
        tail = 0;
        Arrays.fill(recent, -1);
        return next;
    }

    /** Whether an entry starts at {@code at} in {@code chunk}, whose entries end at or before {@code end}. */
    private static boolean hasEntryAt(byte[] chunk, int at, int end) {
        return at + Integer.BYTES <= end && readInt(chunk, at) != 0;
    }

    // ---------------------------------------------------------------- writing

    private static final ThreadLocal<Packer> PACKER = ThreadLocal.withInitial(Packer::new);

    /**
     * Packs one entry into a scratch array that grows as it is written; a thread reuses it for every entry.
     *
     * <p>A string is a kind byte and then: nothing ({@link #NULL}); a length and Latin-1 bytes ({@link #LATIN1}); a
     * length and UTF-16 chars ({@link #UTF16}); 16 bytes for a lowercase UUID ({@link #UUID}); or two bytes, the
     * place of an equal string written out in full earlier in the same chunk ({@link #REFERENCE}). A reply's stream
     * steps repeat its chat, agent, message and reply-to ids; referred to, each costs three bytes instead of up to 40,
     * and an entry stays readable after the entry it refers to was trimmed, since a chunk is given up only whole.
     */
    private static final class Packer {
        static final int KEPT_BYTES = 64 * 1024;
        /** Chunks longer than this (an entry's own) refer to nothing: a place must fit in two bytes. */
        static final int MAX_REFERABLE = 0xFFFF;

        static final int CHAT = 0;
        static final int AGENT = 1;
        static final int MESSAGE = 2;
        static final int REPLY = 3;
        static final int NO_SLOT = -1;

        byte[] bytes = new byte[512];
        int length;
        /** The chunk the entry goes to, if its earlier strings may be referred to; else null. */
        private byte[] chunk;
        private int[] recent;
        /** Where in the entry each slot's string was written out in full, or -1. */
        private final int[] written = new int[4];

        /**
         * Packs {@code event}'s entry from the start of the scratch, for the place {@code at} in {@code chunk} (null:
         * a new chunk) whose latest full strings per slot are at {@code recent}; true if the event is to be kept as an
         * object (its entry then holds only the header and the tag).
         */
        boolean pack(WorldEvent event, long atMillis, byte[] chunk, int at, int[] recent) {
            this.chunk = chunk != null && chunk.length <= MAX_REFERABLE && at <= chunk.length ? chunk : null;
            this.recent = recent;
            Arrays.fill(written, -1);
            length = Integer.BYTES; // the entry's length, written last
            boolean keptAsObject = false;
            putLong(atMillis);
            putLong(event.seq());
            if (event instanceof MessageEvent m) {
                put(PackedHistory.MESSAGE);
                putInstant(m.timestamp());
                putString(CHAT, m.chatId());
                putString(MESSAGE, m.messageId());
                putString(AGENT, m.sender());
                put((byte) m.senderType().ordinal());
                putString(NO_SLOT, m.content());
                putString(REPLY, m.replyToMessageId());
                putString(NO_SLOT, m.origin());
            } else if (event instanceof StreamEvent s) {
                put(STREAM);
                putInstant(s.timestamp());
                putString(CHAT, s.chatId());
                putString(AGENT, s.agentId());
                putString(MESSAGE, s.messageId());
                putString(REPLY, s.replyToMessageId());
                put((byte) s.kind().ordinal());
                putString(NO_SLOT, s.content());
            } else if (event instanceof ActivityEvent a) {
                put(ACTIVITY);
                putInstant(a.timestamp());
                putString(CHAT, a.chatId());
                put((byte) a.kind().ordinal());
                putInt(a.pendingOperations());
                putInt(a.activeAgents().size());
                for (String agent : a.activeAgents()) {
                    putString(AGENT, agent);
                }
            } else if (event instanceof SystemEvent s) {
                put(SYSTEM);
                putInstant(s.timestamp());
                putString(CHAT, s.chatId());
                putString(MESSAGE, s.messageId());
                putString(NO_SLOT, s.content());
            } else {
                put(OBJECT);
                keptAsObject = true;
            }
            writeInt(bytes, 0, length);
            this.chunk = null; // the thread's scratch holds on to no history
            this.recent = null;
            return keptAsObject;
        }

        /** Records, for the entry just copied to {@code at} in the last chunk, where its full strings are. */
        void remember(int[] recent, int at) {
            for (int slot = 0; slot < written.length; slot++) {
                if (written[slot] >= 0) {
                    recent[slot] = at + written[slot];
                }
            }
        }

        private void room(int more) {
            if (length + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, length + more));
            }
        }

        private void put(byte value) {
            room(1);
            bytes[length++] = value;
        }

        private void putInt(int value) {
            room(Integer.BYTES);
            writeInt(bytes, length, value);
            length += Integer.BYTES;
        }

        private void putLong(long value) {
            putInt((int) (value >>> 32));
            putInt((int) value);
        }

        private void putInstant(Instant instant) {
            putLong(instant.getEpochSecond());
            putInt(instant.getNano());
        }

        private void putLength(int value) {
            while (value >= 0x80) {
                put((byte) (value | 0x80));
                value >>>= 7;
            }
            put((byte) value);
        }

        private void putString(int slot, String text) {
            if (text == null) {
                put(NULL);
                return;
            }
            if (slot != NO_SLOT && chunk != null && recent[slot] >= 0 && textEquals(chunk, recent[slot], text)) {
                put(REFERENCE);
                put((byte) (recent[slot] >>> 8));
                put((byte) recent[slot]);
                return;
            }
            if (slot != NO_SLOT) {
                written[slot] = length;
            }
            int chars = text.length();
            if (isUuid(text)) {
                put(UUID);
                room(16);
                for (int i = 0; i < 36; i = nextHexPair(i)) {
                    bytes[length++] = (byte) hexPair(text, i);
                }
                return;
            }
            boolean latin1 = true;
            for (int i = 0; i < chars && latin1; i++) {
                latin1 = text.charAt(i) < 0x100;
            }
            put(latin1 ? LATIN1 : UTF16);
            putLength(chars);
            if (latin1) {
                room(chars);
                for (int i = 0; i < chars; i++) {
                    bytes[length++] = (byte) text.charAt(i);
                }
            } else {
                room(2 * chars);
                for (int i = 0; i < chars; i++) {
                    char c = text.charAt(i);
                    bytes[length++] = (byte) (c >>> 8);
                    bytes[length++] = (byte) c;
                }
            }
        }
    }

    /** Whether {@code text} is a UUID as Java writes it: 36 chars, lowercase hex digits and four dashes. */
    static boolean isUuid(String text) {
        if (text.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** The byte that the two hex digits of {@code text} at {@code i} stand for. */
    private static int hexPair(String text, int i) {
        return Character.digit(text.charAt(i), 16) << 4 | Character.digit(text.charAt(i + 1), 16);
    }

    /** A string's length as {@link Packer} puts it at {@code at}: seven bits a byte, low bits first. */
    private static int readLength(byte[] bytes, int at) {
        int length = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = bytes[at++];
            length |= (b & 0x7F) << shift;
            if (b >= 0) {
                return length;
            }
        }
    }

    /** How many bytes {@link Packer} puts {@code length} in. */
    private static int lengthBytes(int length) {
        int bytes = 1;
        while (length >= 0x80) {
            length >>>= 7;
            bytes++;
        }
        return bytes;
    }

    /** The place of a UUID's next pair of hex digits after the pair at {@code i}: dashes are skipped. */
    private static int nextHexPair(int i) {
        return i == 6 || i == 11 || i == 16 || i == 21 ? i + 3 : i + 2;
    }

    /** Whether the full string at {@code at} in {@code chunk} equals {@code text}, read in place. */
    private static boolean textEquals(byte[] chunk, int at, String text) {
        byte kind = chunk[at++];
        if (kind == UUID) {
            if (!isUuid(text)) {
                return false;
            }
            for (int i = 0; i < 36; i = nextHexPair(i)) {
                if ((chunk[at++] & 0xFF) != hexPair(text, i)) {
                    return false;
                }
            }
            return true;
        }
        int chars = readLength(chunk, at);
        at += lengthBytes(chars);
        if (chars != text.length()) {
            return false;
        }
        for (int i = 0; i < chars; i++) {
            char c = kind == LATIN1 ? (char) (chunk[at++] & 0xFF) : (char) ((chunk[at++] & 0xFF) << 8 | (chunk[at++] & 0xFF));
            if (c != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- reading

    private static void writeInt(byte[] bytes, int at, int value) {
        bytes[at] = (byte) (value >>> 24);
        bytes[at + 1] = (byte) (value >>> 16);
        bytes[at + 2] = (byte) (value >>> 8);
        bytes[at + 3] = (byte) value;
    }

    private static int readInt(byte[] bytes, int at) {
        return (bytes[at] & 0xFF) << 24 | (bytes[at + 1] & 0xFF) << 16 | (bytes[at + 2] & 0xFF) << 8 | (bytes[at + 3] & 0xFF);
    }

    private static long readLong(byte[] bytes, int at) {
        return (long) readInt(bytes, at) << 32 | (readInt(bytes, at + Integer.BYTES) & 0xFFFFFFFFL);
    }

    /** Unpacks one entry from its tag on. */
    private final class Reader {
        private final byte[] bytes;
        private int at;
        private final long seq;

        Reader(byte[] bytes, int at, long seq) {
            this.bytes = bytes;
            this.at = at;
            this.seq = seq;
        }

        WorldEvent event() {
            byte tag = bytes[at++];
            Instant timestamp = Instant.ofEpochSecond(nextLong(), nextInt());
            String chatId = nextString();
            return switch (tag) {
                case MESSAGE -> new MessageEvent(world, chatId, seq, timestamp, nextString(), nextString(),
                        SENDER_TYPES[bytes[at++]], nextString(), nextString(), nextString());
                case STREAM -> {
                    String agentId = nextString();
                    String messageId = nextString();
                    String replyTo = nextString();
                    StreamEvent.Kind kind = STREAM_KINDS[bytes[at++]];
                    yield new StreamEvent(world, chatId, seq, timestamp, agentId, messageId, replyTo, kind, nextString());
                }
                case ACTIVITY -> {
                    ActivityEvent.Kind kind = ACTIVITY_KINDS[bytes[at++]];
                    int pending = nextInt();
                    String[] agents = new String[nextInt()];
                    for (int i = 0; i < agents.length; i++) {
                        agents[i] = nextString();
                    }
                    yield new ActivityEvent(world, chatId, seq, timestamp, kind, pending, Arrays.asList(agents));
                }
                case SYSTEM -> new SystemEvent(world, chatId, seq, timestamp, nextString(), nextString());
                default -> throw new IllegalStateException("unknown history entry tag " + tag);
            };
        }

        private int nextInt() {
            int value = readInt(bytes, at);
            at += Integer.BYTES;
            return value;
        }

        private long nextLong() {
            long value = readLong(bytes, at);
            at += Long.BYTES;
            return value;
        }

        private String nextString() {
            byte kind = bytes[at];
            if (kind == NULL) {
                at++;
                return null;
            }
            if (kind == REFERENCE) {
                int place = (bytes[at + 1] & 0xFF) << 8 | (bytes[at + 2] & 0xFF);
                at += 3;
                int after = at;
                String text = nextString(place);
                at = after;
                return text;
            }
            return nextString(at);
        }

        /** Reads the full string at {@code place}, leaving {@code at} after it. */
        private String nextString(int place) {
            at = place;
            byte kind = bytes[at++];
            if (kind == UUID) {
                char[] chars = new char[36];
                for (int i = 0; i < 36; i = nextHexPair(i)) {
                    int value = bytes[at++] & 0xFF;
                    chars[i] = HEX[value >>> 4];
                    chars[i + 1] = HEX[value & 0xF];
                    if (i == 6 || i == 11 || i == 16 || i == 21) {
                        chars[i + 2] = '-';
                    }
                }
                return new String(chars);
            }
            int length = readLength(bytes, at);
            at += lengthBytes(length);
            if (kind == LATIN1) {
                String text = new String(bytes, at, length, StandardCharsets.ISO_8859_1);
                at += length;
                return text;
            }
            char[] chars = new char[length];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = (char) ((bytes[at] & 0xFF) << 8 | (bytes[at + 1] & 0xFF));
                at += 2;
            }
            return new String(chars);
        }
    }
}
