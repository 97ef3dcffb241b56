package dev.worldws.api.world;

import java.util.AbstractList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An unmodifiable list of non-null items that grows by one item in amortised constant time, and keeps its items
 * packed into bytes when it has a codec for them.
 *
 * <p>A world's event log and an agent's memory grow with every message; copying them per message would make each
 * message cost time and garbage linear in the length of the conversation. {@link #plus} instead shares the backing
 * arrays with the list it extends and writes the new item after its last one. The next slot is claimed atomically,
 * so when two lists are extended from the same list (on any threads) only the first writes in place and the other
 * copies. A list never changes: only slots beyond its size are ever written, and a list is handed to other threads
 * only after its item was written (its fields are final, so a list read through a data race shows its items too).
 *
 * <p>Why bytes: a loaded world keeps its whole conversation, which grows by a few kilobytes with every message. As
 * objects (records, strings, maps, timestamps: some 65 per message) every young collection of the JVM copies them
 * once or twice before they settle in the old generation, and each append makes an old array point at a young
 * object that the collection must find. Packed, a message adds bytes to a chunk (chunks grow with the list, up to
 * {@value #MAX_CHUNK} bytes, and are never copied into larger ones), which holds no references at all. The price is
 * that {@link #get} builds the item anew from its bytes on every call (a few hundred nanoseconds), so equal items
 * are not the same instance: code that runs on every message should not walk a long list, and
 * {@link Lists#startsWith} tells whether one list grew from another without reading their items. An item the codec
 * cannot pack (one with a value of another type than JSON's) is kept as the object it is.
 */
final class GrowingList<E> extends AbstractList<E> implements RandomAccess {
    /** Every item of the list is of one group (the codec's {@link Packing.Codec#group}), or the list is empty. */
    private static final byte ONE_GROUP = 0;
    /** The items' groups never decrease. */
    private static final byte ASCENDING = 1;
    private static final byte UNORDERED = 2;
    /** Not tracked: the codec has no groups, or the list is a view of part of another. */
    private static final byte UNKNOWN = 3;
    private static final GrowingList<Object> EMPTY = new GrowingList<>(null, 0, 0, 0, 0, ONE_GROUP, null, null);

    private static final int MIN_CHUNK = 128;
    private static final int MAX_CHUNK = 2048;
    private static final int INITIAL_ITEMS = 8;
    private static final int INITIAL_CHUNKS = 4;

    /** Null for the empty list. */
    private final Storage<E> storage;
    private final int size;
    /** How many of the storage's names this list's items (and the lists it grew from) use. */
    private final int names;
    /** Where the next item's bytes go, counting the chunks' bytes one after another. */
    private final int end;
    /** How many of the storage's chunks this list's items use. */
    private final int chunks;
    /** How the items' groups follow one another, kept up to date by every append so that no one has to read them. */
    private final byte order;
    private final String firstGroup;
    private final String lastGroup;

    private GrowingList(Storage<E> storage, int size, int names, int end, int chunks, byte order, String firstGroup,
            String lastGroup) {
        this.storage = storage;
        this.size = size;
        this.names = names;
        this.end = end;
        this.chunks = chunks;
        this.order = order;
        this.firstGroup = firstGroup;
        this.lastGroup = lastGroup;
    }

    /**
     * {@code source} itself if it is a growing list with this codec, else a copy (packed with {@code codec}, or kept
     * as objects if it is null); null items are refused.
     */
    @SuppressWarnings("unchecked")
    static <E> GrowingList<E> copyOf(Collection<? extends E> source, Packing.Codec<E> codec) {
        if (source instanceof GrowingList<?> list && (list.storage == null || list.storage.codec == codec)) {
            return (GrowingList<E>) list;
        }
        GrowingList<E> copy = (GrowingList<E>) EMPTY;
        for (E item : source) {
            copy = copy.plus(item, codec);
        }
        return copy;
    }

    /**
     * This list with {@code item} appended; this list is unchanged. {@code codec} is the one the list was made with
     * (null: items kept as objects).
     */
    GrowingList<E> plus(E item, Packing.Codec<E> codec) {
        Objects.requireNonNull(item, "list item");
        Storage<E> shared = storage;
        if (shared == null || !shared.claim(size)) {
            // slots of the shared arrays beyond our size may belong to a sibling list: copy ours
            return moved(item, null, codec, false);
        }
        // the slot after our last item is ours, and so is everything after our end in the shared arrays
        Packing.Packer packer = shared.pack(item, names);
        try {
            GrowingList<E> appended = shared.append(this, item, packer);
            return appended != null ? appended : moved(item, packer, codec, true);
        } finally {
            if (packer != null) {
                packer.finish();
            }
        }
    }

    /**
     * This list with {@code item} appended, in a new storage with room for more items and chunks. Chunks this list
     * has filled are shared; its last one too if it {@code owns} what follows it (else a sibling may write there).
     */
    private GrowingList<E> moved(E item, Packing.Packer packed, Packing.Codec<E> codec, boolean owns) {
        String[] names = new String[codec == null ? 0 : codec.names()];
        if (storage != null) {
            System.arraycopy(storage.names, 0, names, 0, packed == null ? this.names : packed.nameCount());
        }
        Packing.Packer packer = packed != null ? packed : packed(codec, item, names, this.names);
        try {
            int itemCapacity = Math.max(INITIAL_ITEMS, 2 * size + 1);
            int chunkCapacity = Math.max(INITIAL_CHUNKS, 2 * chunks + 1);
            int[] starts = new int[itemCapacity];
            byte[][] chunkBytes = new byte[chunkCapacity][];
            int[] chunkStarts = new int[chunkCapacity];
            boolean keeps = packer == null || (storage != null && storage.kept != null);
            Object[] kept = keeps ? new Object[itemCapacity] : null;
            if (storage != null) {
                System.arraycopy(storage.starts, 0, starts, 0, size);
                System.arraycopy(storage.chunks, 0, chunkBytes, 0, chunks);
                System.arraycopy(storage.chunkStarts, 0, chunkStarts, 0, chunks);
                if (kept != null && storage.kept != null) {
                    System.arraycopy(storage.kept, 0, kept, 0, size);
                }
                if (!owns && chunks > 0) {
                    chunkBytes[chunks - 1] = chunkBytes[chunks - 1].clone();
                }
            }
            Storage<E> fresh = new Storage<>(codec, chunkBytes, chunkStarts, starts, kept, names, size + 1, storage, size);
            return fresh.append(this, item, packer);
        } finally {
            if (packer != null && packer != packed) {
                packer.finish();
            }
        }
    }

    /**
     * {@code item} packed by {@code codec} (names added to {@code names}, of which {@code namesInUse} are taken), or
     * null if it is to be kept as an object: there is no codec, or the codec cannot pack it.
     */
    private static <E> Packing.Packer packed(Packing.Codec<E> codec, E item, String[] names, int namesInUse) {
        if (codec == null) {
            return null;
        }
        Packing.Packer packer = Packing.Packer.start(names, namesInUse);
        if (codec.pack(item, packer)) {
            return packer;
        }
        packer.finish();
        return null;
    }

    /** This list followed by {@code item}, written into {@code in}: the names and chunks it now uses, its new end. */
    private GrowingList<E> extended(Storage<E> in, int names, int end, int chunks, E item) {
        String group = in.codec == null ? null : in.codec.group(item);
        byte next;
        if (group == null || order == UNKNOWN) {
            next = UNKNOWN;
        } else if (size == 0) {
            return new GrowingList<>(in, 1, names, end, chunks, ONE_GROUP, group, group);
        } else if (order == ONE_GROUP && group.equals(firstGroup)) {
            next = ONE_GROUP;
        } else if (order != UNORDERED && group.compareTo(lastGroup) >= 0) {
            next = ASCENDING;
        } else {
            next = UNORDERED;
        }
        return new GrowingList<>(in, size + 1, names, end, chunks, next, firstGroup, group);
    }

    @Override
    public E get(int index) {
        Objects.checkIndex(index, size);
        return storage.item(index, chunks);
    }

    @Override
    public int size() {
        return size;
    }

    /** The first {@code to} items as a list that shares this one's storage (any other range as a view). */
    @Override
    public List<E> subList(int from, int to) {
        if (from == 0 && to <= size && to >= 0) {
            // its end and chunks are this list's: a prefix view is only read, and extending it copies (its slot is taken)
            return to == size ? this
                    : new GrowingList<>(to == 0 ? null : storage, to, names, end, chunks, UNKNOWN, null, null);
        }
        return super.subList(from, to);
    }

    @Override
    public boolean equals(Object other) {
        if (other instanceof GrowingList<?> list && list.size == size && (size == 0 || list.storage == storage)) {
            return true; // the same slots of the same arrays: written once, never changed
        }
        return super.equals(other);
    }

    @Override
    public int hashCode() {
        return super.hashCode();
    }

    /**
     * Whether {@code prefix} is a growing list whose items are the first of this one's, known without reading them:
     * it is empty, or in the same storage and not longer (slots are written once), or in a storage that this one's was
     * moved from after copying at least its items.
     */
    boolean grewFrom(List<?> prefix) {
        if (!(prefix instanceof GrowingList<?> list) || list.size > size) {
            return false;
        }
        if (list.size == 0 || list.storage == storage) {
            return true;
        }
        long[] ancestors = storage.ancestors;
        for (int i = 0; i < ancestors.length; i++) {
            if (ancestors[i] == list.storage.id) {
                return list.size <= storage.carried[i];
            }
        }
        return false;
    }

    /** Whether this list has items and packs them with {@code codec}. */
    boolean packedWith(Packing.Codec<E> codec) {
        return storage != null && storage.codec == codec;
    }

    /** The group of every item (the list is not empty), or null if they are of more than one or it is not known. */
    String onlyGroup() {
        return size > 0 && order == ONE_GROUP ? firstGroup : null;
    }

    /** Whether the items' groups are known never to decrease. */
    boolean inGroupOrder() {
        return order == ONE_GROUP || order == ASCENDING;
    }

    /**
     * Whether this list knows how its items' groups follow one another ({@link #onlyGroup} and {@link #inGroupOrder}
     * are then exact): not for a codec without groups, nor for a view of part of another list.
     */
    boolean groupOrderKnown() {
        return order != UNKNOWN;
    }

    /**
     * The group of item {@code index} (null if the codec has none), read from its bytes without building the item
     * when it is packed.
     */
    String groupAt(int index) {
        Objects.checkIndex(index, size);
        return storage.groupAt(index, chunks);
    }

    /**
     * Hands items {@code from} to the end to {@code visitor}: those kept as objects as they are, packed ones as an
     * unpacker at their bytes, so that the visitor can read them in place instead of building them.
     */
    void forEachFrom(int from, ItemOrBytes<E> visitor) throws java.io.IOException {
        Objects.checkFromToIndex(from, size, size);
        int chunk = 0;
        for (int i = from; i < size; i++) {
            int start = storage.starts[i];
            if (start < 0) {
                visitor.item(storage.get(i));
                continue;
            }
            while (chunk + 1 < chunks && storage.chunkStarts[chunk + 1] <= start) {
                chunk++; // items follow one another through the chunks, so the walk only moves forward
            }
            visitor.packed(new Packing.Unpacker(storage.chunks[chunk], start - storage.chunkStarts[chunk], storage.names));
        }
    }

    /** What {@link #forEachFrom} hands each item to. */
    interface ItemOrBytes<E> {
        void item(E item) throws java.io.IOException;

        void packed(Packing.Unpacker in) throws java.io.IOException;
    }

    /** Bytes of the chunks this list's items use (some of which may be free); for tests. */
    long chunkBytes() {
        long bytes = 0;
        for (int i = 0; i < chunks; i++) {
            bytes += storage.chunks[i].length;
        }
        return bytes;
    }

    /** Whether item {@code index} is kept as an object rather than as bytes; for tests. */
    boolean keptAsObject(int index) {
        return storage.starts[index] < 0;
    }

    /** For tests: whether two lists share their backing arrays. */
    static boolean sharesStorage(List<?> a, List<?> b) {
        return a instanceof GrowingList<?> x && b instanceof GrowingList<?> y && x.storage == y.storage;
    }

    /**
     * The arrays some lists share: chunks of packed items, where each chunk and each item starts (items are never
     * split between chunks), the items kept as objects, the names; and how many slots some list has claimed.
     */
    private static final class Storage<E> {
        private static final int MAX_ANCESTORS = 4;
        private static final AtomicLong IDS = new AtomicLong();
        @SuppressWarnings("rawtypes")
        private static final AtomicIntegerFieldUpdater<Storage> USED =
                AtomicIntegerFieldUpdater.newUpdater(Storage.class, "used");

        final Packing.Codec<E> codec;
        final byte[][] chunks;
        /** Where each chunk's first byte is, counting the bytes of all chunks one after another. */
        final int[] chunkStarts;
        /** Where each item's bytes start, in the same count; -1 for an item kept as an object. */
        final int[] starts;
        /** Null while every item is packed. */
        final Object[] kept;
        final String[] names;
        /** Tells storages apart without holding on to them. */
        final long id = IDS.incrementAndGet();
        /** The storages this one was moved from, latest first (a few: the lists one compares are of recent saves). */
        final long[] ancestors;
        /** How many of each ancestor's first items this one holds too. */
        final int[] carried;
        private volatile int used;

        /** A storage holding {@code from}'s first {@code carried} items (from is null for a storage of its own). */
        Storage(Packing.Codec<E> codec, byte[][] chunks, int[] chunkStarts, int[] starts, Object[] kept,
                String[] names, int used, Storage<E> from, int carried) {
            this.codec = codec;
            this.chunks = chunks;
            this.chunkStarts = chunkStarts;
            this.starts = starts;
            this.kept = kept;
            this.names = names;
            this.used = used;
            int known = from == null ? 0 : Math.min(MAX_ANCESTORS, from.ancestors.length + 1);
            this.ancestors = new long[known];
            this.carried = new int[known];
            for (int i = 0; i < known; i++) {
                this.ancestors[i] = i == 0 ? from.id : from.ancestors[i - 1];
                this.carried[i] = i == 0 ? carried : Math.min(carried, from.carried[i - 1]);
            }
        }

        /**
         * Whether slot {@code index} (which may lie beyond the arrays: the caller then moves) was free, is the next
         * one, and is now claimed by the caller, with everything after it.
         */
        @SuppressWarnings("unchecked")
        boolean claim(int index) {
            return USED.compareAndSet(this, index, index + 1);
        }

        /** {@code item} packed (names added to this storage's table), or null if it is to be kept as an object. */
        Packing.Packer pack(E item, int namesInUse) {
            return packed(codec, item, names, namesInUse);
        }

        /**
         * Writes {@code item} into the slot after {@code list}'s last item, which the caller owns; null if this
         * storage has no room for it (no slot, no chunk or no array for kept items left).
         */
        GrowingList<E> append(GrowingList<E> list, E item, Packing.Packer packer) {
            int index = list.size;
            if (index == starts.length) {
                return null;
            }
            if (packer == null) {
                if (kept == null) {
                    return null;
                }
                kept[index] = item;
                starts[index] = -1;
                return list.extended(this, list.names, list.end, list.chunks, item);
            }
            int length = packer.length;
            int chunk = list.chunks - 1;
            if (chunk < 0 || list.end + length > chunkStarts[chunk] + chunks[chunk].length) {
                if (list.chunks == chunks.length) {
                    return null;
                }
                chunk = list.chunks;
                // chunks grow with the list, so a long one has few, and a short one (a template's memory) is small
                chunks[chunk] = new byte[Math.max(length, Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, list.end >> 2)))];
                chunkStarts[chunk] = list.end;
            }
            System.arraycopy(packer.bytes, 0, chunks[chunk], list.end - chunkStarts[chunk], length);
            starts[index] = list.end;
            return list.extended(this, packer.nameCount(), list.end + length, chunk + 1, item);
        }

        @SuppressWarnings("unchecked")
        E get(int index) {
            return (E) kept[index];
        }

        @SuppressWarnings("unchecked")
        E item(int index, int chunkCount) {
            int start = starts[index];
            return start < 0 ? (E) kept[index] : codec.unpack(unpackerAt(start, chunkCount));
        }

        @SuppressWarnings("unchecked")
        String groupAt(int index, int chunkCount) {
            if (codec == null) {
                return null;
            }
            int start = starts[index];
            return start < 0 ? codec.group((E) kept[index]) : codec.packedGroup(unpackerAt(start, chunkCount));
        }

        /** An unpacker at the packed item whose bytes start at {@code start}. */
        private Packing.Unpacker unpackerAt(int start, int chunkCount) {
            int low = 0;
            int high = chunkCount - 1;
            while (low < high) { // the last chunk that starts at or before the item
                int middle = (low + high + 1) >>> 1;
                if (chunkStarts[middle] <= start) {
                    low = middle;
                } else {
                    high = middle - 1;
                }
            }
            return new Packing.Unpacker(chunks[low], start - chunkStarts[low], names);
        }
    }
}
