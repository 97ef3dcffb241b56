package dev.worldws.api.world;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deep, unmodifiable copies of JSON-like values (maps, lists, strings, numbers, booleans and nulls).
 *
 * <p>Records keep the JSON fields they do not model in an {@code extra} map so that a file written by another
 * system survives a load and save unchanged. {@link Map#copyOf} cannot hold JSON nulls, hence this class.
 */
public final class Extras {
    private Extras() {}

    /** An unmodifiable deep copy that keeps insertion order and null values; {@code null} gives an empty map. */
    public static Map<String, Object> copyOf(Map<String, ?> source) {
        if (source == null || source.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        source.forEach((key, value) -> copy.put(key, copyValue(value)));
        return Collections.unmodifiableMap(copy);
    }

    private static Object copyValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, inner) -> copy.put(String.valueOf(key), copyValue(inner)));
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(inner -> copy.add(copyValue(inner)));
            return Collections.unmodifiableList(copy);
        }
        return value;
    }
}
