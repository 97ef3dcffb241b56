package dev.worldws.api.world;

import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.RandomAccess;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Deep, unmodifiable copies of JSON-like values (maps, lists, strings, numbers, booleans and nulls).
 *
 * <p>Records keep the JSON fields they do not model in an {@code extra} map so that a file written by another
 * system survives a load and save unchanged. {@link Map#copyOf} cannot hold JSON nulls, hence this class. A value
 * this class made is returned as it is rather than copied again: records are rebuilt with one field changed on
 * every message, and copying their unchanged maps each time was measurable.
 */
public final class Extras {
    private Extras() {}

    /** An unmodifiable deep copy that keeps insertion order and null values; {@code null} gives an empty map. */
    public static Map<String, Object> copyOf(Map<String, ?> source) {
        if (source == null || source.isEmpty()) {
            return Map.of();
        }
        if (source instanceof FrozenMap frozen) {
            return frozen;
        }
        return freeze(source);
    }

    /** A frozen map of already frozen keys and values (keys at even indexes), taken as it is; for {@link Packing}. */
    static Map<String, Object> frozenMap(Object[] keysAndValues) {
        if (keysAndValues.length <= 2 * FrozenMap.MAX_ARRAY_ENTRIES) {
            return new FrozenMap(keysAndValues, null);
        }
        Map<String, Object> large = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            large.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return new FrozenMap(null, large);
    }

    /** A frozen list of already frozen items, taken as it is; for {@link Packing}. */
    static List<Object> frozenList(Object[] items) {
        return new FrozenList(items);
    }

    private static FrozenMap freeze(Map<?, ?> source) {
        if (source.size() <= FrozenMap.MAX_ARRAY_ENTRIES) {
            Object[] keysAndValues = new Object[source.size() * 2];
            int i = 0;
            for (Map.Entry<?, ?> entry : source.entrySet()) {
                keysAndValues[i++] = String.valueOf(entry.getKey());
                keysAndValues[i++] = copyValue(entry.getValue());
            }
            return new FrozenMap(keysAndValues, null);
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        source.forEach((key, value) -> copy.put(String.valueOf(key), copyValue(value)));
        return new FrozenMap(null, copy);
    }

    private static Object copyValue(Object value) {
        if (value instanceof FrozenMap || value instanceof FrozenList) {
            return value;
        }
        if (value instanceof Map<?, ?> map) {
            return freeze(map);
        }
        if (value instanceof List<?> list) {
            Object[] copy = new Object[list.size()];
            int i = 0;
            for (Object inner : list) {
                copy[i++] = copyValue(inner);
            }
            return new FrozenList(copy);
        }
        return value;
    }

    /**
     * An unmodifiable map whose values are frozen too, so it can be shared instead of copied. A small map (most are:
     * an event's payload and meta, an agent's extra fields) is one array of keys and values, searched in order: a
     * world keeps two such maps per logged message for as long as it is loaded, and as a {@code LinkedHashMap} each
     * cost some 300 bytes in 8 objects instead of about 60 in 2.
     */
    private static final class FrozenMap extends AbstractMap<String, Object> {
        static final int MAX_ARRAY_ENTRIES = 16;

        /** Keys at even indexes, each followed by its value; null for a large map. */
        private final Object[] keysAndValues;
        /** The entries of a large map; null for a small one. */
        private final Map<String, Object> large;

        FrozenMap(Object[] keysAndValues, Map<String, Object> large) {
            this.keysAndValues = keysAndValues;
            this.large = large;
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            if (large != null) {
                return Collections.unmodifiableMap(large).entrySet();
            }
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<String, Object>> iterator() {
                    return new Iterator<>() {
                        private int next;

                        @Override
                        public boolean hasNext() {
                            return next < keysAndValues.length;
                        }

                        @Override
                        public Entry<String, Object> next() {
                            if (next >= keysAndValues.length) {
                                throw new NoSuchElementException();
                            }
                            Entry<String, Object> entry = new SimpleImmutableEntry<>((String) keysAndValues[next],
                                    keysAndValues[next + 1]);
                            next += 2;
                            return entry;
                        }
                    };
                }

                @Override
                public int size() {
                    return keysAndValues.length / 2;
                }
            };
        }

        @Override
        public void forEach(BiConsumer<? super String, ? super Object> action) {
            if (large != null) {
                large.forEach(action);
                return;
            }
            for (int i = 0; i < keysAndValues.length; i += 2) { // no entry object per key, unlike entrySet()
                action.accept((String) keysAndValues[i], keysAndValues[i + 1]);
            }
        }

        @Override
        public Object get(Object key) {
            if (large != null) {
                return large.get(key);
            }
            int at = indexOf(key);
            return at < 0 ? null : keysAndValues[at + 1];
        }

        @Override
        public boolean containsKey(Object key) {
            return large != null ? large.containsKey(key) : indexOf(key) >= 0;
        }

        @Override
        public int size() {
            return large != null ? large.size() : keysAndValues.length / 2;
        }

        private int indexOf(Object key) {
            for (int i = 0; i < keysAndValues.length; i += 2) {
                if (keysAndValues[i].equals(key)) {
                    return i;
                }
            }
            return -1;
        }
    }

    /** An unmodifiable list whose items are frozen too (JSON lists may hold nulls, unlike {@link List#of}). */
    private static final class FrozenList extends AbstractList<Object> implements RandomAccess {
        private final Object[] items;

        FrozenList(Object[] items) {
            this.items = items;
        }

        @Override
        public Object get(int index) {
            return items[index];
        }

        @Override
        public int size() {
            return items.length;
        }
    }
}
