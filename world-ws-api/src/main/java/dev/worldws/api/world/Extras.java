package dev.worldws.api.world;

import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;

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

    private static FrozenMap freeze(Map<?, ?> source) {
        Map<String, Object> copy = new LinkedHashMap<>();
        source.forEach((key, value) -> copy.put(String.valueOf(key), copyValue(value)));
        return new FrozenMap(copy);
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

    /** An unmodifiable map whose values are frozen too, so it can be shared instead of copied. */
    private static final class FrozenMap extends AbstractMap<String, Object> {
        private final Map<String, Object> items;

        FrozenMap(Map<String, Object> items) {
            this.items = items;
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return Collections.unmodifiableMap(items).entrySet();
        }

        @Override
        public Object get(Object key) {
            return items.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return items.containsKey(key);
        }

        @Override
        public int size() {
            return items.size();
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
