package dev.worldws.api.world;

import java.util.AbstractList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Consumer;

/**
 * An unmodifiable list of non-null items that grows by one item in amortised constant time.
 *
 * <p>A world's event log and an agent's memory grow with every message; copying them per message would make each
 * message cost time and garbage linear in the length of the conversation. {@link #plus} instead shares the backing
 * array with the list it extends and writes the new item into the next free slot. The slot is claimed atomically,
 * so when two lists are extended from the same list (on any threads) only the first writes in place and the other
 * copies. A list never changes: only slots beyond its size are ever written, and a list is handed to other threads
 * only after its item was written (its fields are final, so a list read through a data race shows its items too).
 */
final class GrowingList<E> extends AbstractList<E> implements RandomAccess {
    private static final GrowingList<Object> EMPTY = new GrowingList<>(new Storage(new Object[0], 0), 0);

    private final Storage storage;
    private final int size;

    private GrowingList(Storage storage, int size) {
        this.storage = storage;
        this.size = size;
    }

    /** {@code source} itself if it is a growing list, else an unmodifiable copy; null items are refused. */
    @SuppressWarnings("unchecked")
    static <E> GrowingList<E> copyOf(Collection<? extends E> source) {
        if (source instanceof GrowingList<?> list) {
            return (GrowingList<E>) list;
        }
        Object[] items = source.toArray();
        for (Object item : items) {
            Objects.requireNonNull(item, "list item");
        }
        return items.length == 0 ? (GrowingList<E>) EMPTY : new GrowingList<>(new Storage(items, items.length),
                items.length);
    }

    /** This list with {@code item} appended; this list is unchanged. */
    GrowingList<E> plus(E item) {
        Objects.requireNonNull(item, "list item");
        Storage shared = storage;
        if (shared.claim(size)) {
            shared.items[size] = item;
            return new GrowingList<>(shared, size + 1);
        }
        // slots of the shared array beyond our size may belong to a sibling list: copy only ours
        Object[] grown = new Object[Math.max(8, size + (size >> 1) + 1)];
        System.arraycopy(shared.items, 0, grown, 0, size);
        grown[size] = item;
        return new GrowingList<>(new Storage(grown, size + 1), size + 1);
    }

    @Override
    @SuppressWarnings("unchecked")
    public E get(int index) {
        Objects.checkIndex(index, size);
        return (E) storage.items[index];
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void forEach(Consumer<? super E> action) {
        Object[] items = storage.items;
        for (int i = 0; i < size; i++) {
            action.accept((E) items[i]);
        }
    }

    @Override
    public Object[] toArray() {
        Object[] copy = new Object[size];
        System.arraycopy(storage.items, 0, copy, 0, size);
        return copy;
    }

    /** A backing array and how many of its slots have been claimed by some list. */
    private static final class Storage {
        private static final AtomicIntegerFieldUpdater<Storage> USED =
                AtomicIntegerFieldUpdater.newUpdater(Storage.class, "used");

        final Object[] items;
        private volatile int used;

        Storage(Object[] items, int used) {
            this.items = items;
            this.used = used;
        }

        /** Whether slot {@code index} was free, is the next one, and is now claimed by the caller. */
        boolean claim(int index) {
            return index < items.length && USED.compareAndSet(this, index, index + 1);
        }
    }

    /** For tests: whether two lists share their backing array. */
    static boolean sharesStorage(List<?> a, List<?> b) {
        return a instanceof GrowingList<?> x && b instanceof GrowingList<?> y && x.storage == y.storage;
    }
}
