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
 * is packed (into a scratch array of the publishing thread, then copied) onto the end of one growing array, and
 * unpacked into an equal event only when a resume asks for it. The rare, large
 * events (an agent's new configuration, a reloaded world) are kept as objects beside the bytes, in order.
 *
 * <p>Why: the history is the part of a busy server's heap that lives a few seconds and then dies: every event of
 * every world stays in it for a few hundred more. Kept as objects (an event, its timestamp, its strings: four or
 * five objects each), the youngest of them were alive at every young collection, were copied once or twice and then
 * promoted, and each world's history array, being old, had a reference to a new event written into it with every
 * event, so every collection also scanned those cards; about a quarter of G1's pause time went to them. Packed, an
 * event is a few bytes copied into an array that is mostly old already: nothing new survives a collection, and a
 * byte array holds no references to scan.
 *
 * <p>Entries are written one after another from {@code tail} on and dropped from {@code head}; when the array is
 * full, the live entries move to its start (into a new array with half as much room again as they need if they do
 * not fit, or if they would use a quarter of it or less), and a large array shrinks so again when trimming leaves a
 * quarter of it in use. An entry: its length (int), the time it was recorded (long), its sequence
 * number (long), a tag (byte) and the event's fields. Strings are stored as Latin-1 bytes when every char fits,
 * else as UTF-16 chars, so any string (also one with a lone surrogate) comes back equal.
 *
 * <p>Not thread-safe: the topic guards it.
 */
final class PackedHistory {
    private static final int INITIAL_BYTES = 256;
    /** Array sizes are multiples of this. */
    private static final int GRAIN_BYTES = 256;
    /** Arrays up to this size are kept however little of them is in use: shrinking them would gain too little. */
    private static final int SHRINK_ABOVE_BYTES = 4096;
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
    private byte[] bytes = new byte[0];
    private int head;
    private int tail;
    private int size;
    /** The events kept as objects, in the order of their entries (tag {@link #OBJECT}). */
    private final ArrayDeque<WorldEvent> objects = new ArrayDeque<>(2);

    /** A history for the events of {@code world}: they all carry it, so it is not stored with each. */
    PackedHistory(WorldKey world) {
        this.world = world;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The sequence number of the oldest event kept; only while not empty. */
    long oldestSeq() {
        return readLong(head + Integer.BYTES + Long.BYTES);
    }

    /** Appends {@code event} (sequenced, of this history's world), recorded at {@code atMillis}. */
    void add(WorldEvent event, long atMillis) {
        Packer entry = PACKER.get();
        try {
            boolean keptAsObject = entry.pack(event, atMillis);
            ensureRoom(entry.length);
            System.arraycopy(entry.bytes, 0, bytes, tail, entry.length);
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
        while (size > 0 && (size > maxSize || readLong(head + Integer.BYTES) <= expiredMillis)) {
            if (bytes[head + HEADER_BYTES] == OBJECT) {
                objects.removeFirst();
            }
            head += readInt(head);
            size--;
        }
        if (size == 0) {
            clear();
        } else if (bytes.length > SHRINK_ABOVE_BYTES && (tail - head) * 4 <= bytes.length) {
            resize(tail - head); // a burst (a long message) has left the window: give its room back
        }
    }

    /** The events kept with a sequence number above {@code seq}, oldest first. */
    List<WorldEvent> since(long seq) {
        List<WorldEvent> events = new ArrayList<>();
        Iterator<WorldEvent> kept = objects.iterator();
        for (int at = head; at < tail; at += readInt(at)) {
            boolean object = bytes[at + HEADER_BYTES] == OBJECT;
            WorldEvent event = object ? kept.next() : null;
            long entrySeq = readLong(at + Integer.BYTES + Long.BYTES);
            if (entrySeq > seq) {
                events.add(object ? event : new Reader(at + HEADER_BYTES, entrySeq).event());
            }
        }
        return events;
    }

    void clear() {
        head = 0;
        tail = 0;
        size = 0;
        objects.clear();
        if (bytes.length > INITIAL_BYTES) {
            bytes = new byte[0];
        }
    }

    /** Bytes held; for tests. */
    int capacity() {
        return bytes.length;
    }

    /** Bytes the kept entries take; for tests. */
    int liveBytes() {
        return tail - head;
    }

    // ---------------------------------------------------------------- room

    private void ensureRoom(int needed) {
        if (tail + needed <= bytes.length) {
            return;
        }
        int live = tail - head;
        if (live + needed > bytes.length || (live + needed) * 4 <= bytes.length) {
            resize(live + needed);
        } else {
            System.arraycopy(bytes, head, bytes, 0, live);
            head = 0;
            tail = live;
        }
    }

    /**
     * Moves the live entries to the start of a new array with room for half as much again as {@code bytesWanted}:
     * enough that the entries move within it only after a third of it was appended, tight enough that a busy
     * world's history costs about one and a half times its bytes (a power of two above twice them cost up to four).
     */
    private void resize(int bytesWanted) {
        int live = tail - head;
        int room = bytesWanted + bytesWanted / 2;
        byte[] moved = new byte[Math.max(INITIAL_BYTES, (room + GRAIN_BYTES - 1) / GRAIN_BYTES * GRAIN_BYTES)];
        System.arraycopy(bytes, head, moved, 0, live);
        bytes = moved;
        head = 0;
        tail = live;
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
            writeInt(0, length);
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
            writeInt(length, value);
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

        private void writeInt(int at, int value) {
            bytes[at] = (byte) (value >>> 24);
            bytes[at + 1] = (byte) (value >>> 16);
            bytes[at + 2] = (byte) (value >>> 8);
            bytes[at + 3] = (byte) value;
        }
    }

    // ---------------------------------------------------------------- reading

    private int readInt(int at) {
        return (bytes[at] & 0xFF) << 24 | (bytes[at + 1] & 0xFF) << 16 | (bytes[at + 2] & 0xFF) << 8 | (bytes[at + 3] & 0xFF);
    }

    private long readLong(int at) {
        return (long) readInt(at) << 32 | (readInt(at + Integer.BYTES) & 0xFFFFFFFFL);
    }

    /** Unpacks one entry from its tag on. */
    private final class Reader {
        private int at;
        private final long seq;

        Reader(int at, long seq) {
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
            int value = readInt(at);
            at += Integer.BYTES;
            return value;
        }

        private long nextLong() {
            long value = readLong(at);
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
