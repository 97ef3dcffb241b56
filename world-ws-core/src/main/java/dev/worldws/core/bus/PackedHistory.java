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
 * string (also one with a lone surrogate) comes back equal.
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
            boolean keptAsObject = entry.pack(event, atMillis);
            byte[] last = roomFor(entry.length);
            System.arraycopy(entry.bytes, 0, last, tail, entry.length);
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

    /** The last chunk, with {@code needed} bytes free from {@code tail} on: a new one if the last is full. */
    private byte[] roomFor(int needed) {
        byte[] last = chunks.peekLast();
        if (last != null && tail + needed <= last.length) {
            return last;
        }
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
        return next;
    }

    /** Whether an entry starts at {@code at} in {@code chunk}, whose entries end at or before {@code end}. */
    private static boolean hasEntryAt(byte[] chunk, int at, int end) {
        return at + Integer.BYTES <= end && readInt(chunk, at) != 0;
    }

    // ---------------------------------------------------------------- writing

    private static final ThreadLocal<Packer> PACKER = ThreadLocal.withInitial(Packer::new);

    /** Packs one entry into a scratch array that grows as it is written; a thread reuses it for every entry. */
    private static final class Packer {
        static final int KEPT_BYTES = 64 * 1024;

        byte[] bytes = new byte[512];
        int length;

        /**
         * Packs {@code event}'s entry from the start of the scratch; true if the event is to be kept as an object (its
         * entry then holds only the header and the tag).
         */
        boolean pack(WorldEvent event, long atMillis) {
            length = Integer.BYTES; // the entry's length, written last
            boolean keptAsObject = false;
            putLong(atMillis);
            putLong(event.seq());
            if (event instanceof MessageEvent m) {
                put(MESSAGE);
                putInstant(m.timestamp());
                putString(m.chatId());
                putString(m.messageId());
                putString(m.sender());
                put((byte) m.senderType().ordinal());
                putString(m.content());
                putString(m.replyToMessageId());
                putString(m.origin());
            } else if (event instanceof StreamEvent s) {
                put(STREAM);
                putInstant(s.timestamp());
                putString(s.chatId());
                putString(s.agentId());
                putString(s.messageId());
                putString(s.replyToMessageId());
                put((byte) s.kind().ordinal());
                putString(s.content());
            } else if (event instanceof ActivityEvent a) {
                put(ACTIVITY);
                putInstant(a.timestamp());
                putString(a.chatId());
                put((byte) a.kind().ordinal());
                putInt(a.pendingOperations());
                putInt(a.activeAgents().size());
                for (String agent : a.activeAgents()) {
                    putString(agent);
                }
            } else if (event instanceof SystemEvent s) {
                put(SYSTEM);
                putInstant(s.timestamp());
                putString(s.chatId());
                putString(s.messageId());
                putString(s.content());
            } else {
                put(OBJECT);
                keptAsObject = true;
            }
            writeInt(bytes, 0, length);
            return keptAsObject;
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

        /** -1 for null; else the char count, negated minus 2 when the chars follow as UTF-16 instead of Latin-1. */
        private void putString(String text) {
            if (text == null) {
                putInt(-1);
                return;
            }
            int chars = text.length();
            boolean latin1 = true;
            for (int i = 0; i < chars && latin1; i++) {
                latin1 = text.charAt(i) < 0x100;
            }
            if (latin1) {
                putInt(chars);
                room(chars);
                for (int i = 0; i < chars; i++) {
                    bytes[length++] = (byte) text.charAt(i);
                }
            } else {
                putInt(-2 - chars);
                room(2 * chars);
                for (int i = 0; i < chars; i++) {
                    char c = text.charAt(i);
                    bytes[length++] = (byte) (c >>> 8);
                    bytes[length++] = (byte) c;
                }
            }
        }

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
            int length = nextInt();
            if (length == -1) {
                return null;
            }
            if (length >= 0) {
                String text = new String(bytes, at, length, StandardCharsets.ISO_8859_1);
                at += length;
                return text;
            }
            char[] chars = new char[-2 - length];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = (char) ((bytes[at] & 0xFF) << 8 | (bytes[at + 1] & 0xFF));
                at += 2;
            }
            return new String(chars);
        }
    }
}
