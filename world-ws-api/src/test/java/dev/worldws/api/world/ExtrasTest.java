package dev.worldws.api.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class ExtrasTest {

    @Test
    @SuppressWarnings("unchecked")
    void copiesDeeplyKeepingOrderAndNulls() {
        List<Object> list = new ArrayList<>(Arrays.asList(1, null, "x"));
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("z", true);
        inner.put("a", list);
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("second", inner);
        source.put("first", null);

        Map<String, Object> copy = Extras.copyOf(source);
        list.add("later");
        inner.put("added", 1);

        assertThat(copy.keySet()).containsExactly("second", "first");
        assertThat(copy).containsEntry("first", null);
        Map<String, Object> copiedInner = (Map<String, Object>) copy.get("second");
        assertThat(copiedInner.keySet()).containsExactly("z", "a");
        assertThat((List<Object>) copiedInner.get("a")).containsExactly(1, null, "x");
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("second", Map.of("z", true, "a", Arrays.asList(1, null, "x")));
        expected.put("first", null);
        assertThat(copy).isEqualTo(expected);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aCopyIsUnmodifiableAllTheWayDown() {
        Map<String, Object> copy = Extras.copyOf(Map.of("list", List.of(1), "map", Map.of("k", "v")));
        assertThatThrownBy(() -> copy.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> copy.remove("list")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> copy.entrySet().iterator().next().setValue(2))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> copy.clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ((List<Object>) copy.get("list")).add(2))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ((Map<String, Object>) copy.get("map")).put("k", "w"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aCopyIsNotCopiedAgain() {
        Map<String, Object> copy = Extras.copyOf(Map.of("a", 1));
        assertThat(Extras.copyOf(copy)).isSameAs(copy);
        assertThat(Extras.copyOf(null)).isEmpty();
        assertThat(Extras.copyOf(Map.of())).isEmpty();
    }

    @Test
    void smallAndLargeCopiesBehaveAsTheirSource() {
        for (int size : new int[] {1, 3, 16, 17, 40}) {
            Map<String, Object> source = new LinkedHashMap<>();
            for (int i = size; i > 0; i--) {
                source.put("key-" + i, i % 3 == 0 ? null : i);
            }
            Map<String, Object> copy = Extras.copyOf(source);

            assertThat(copy).as("size %d", size).isEqualTo(source).hasSize(size);
            assertThat(new HashMap<>(source)).isEqualTo(copy);
            assertThat(copy.hashCode()).isEqualTo(source.hashCode());
            assertThat(copy.keySet()).containsExactlyElementsOf(source.keySet());
            assertThat(copy.get("key-1")).isEqualTo(1);
            assertThat(copy.containsKey("key-" + size)).isTrue();
            assertThat(copy.get("absent")).isNull();
            assertThat(copy.containsKey("absent")).isFalse();
            if (size >= 3) {
                assertThat(copy.containsKey("key-3")).isTrue();
                assertThat(copy.get("key-3")).isNull();
            }
            Iterator<Map.Entry<String, Object>> entries = copy.entrySet().iterator();
            for (int i = 0; i < size; i++) {
                entries.next();
            }
            assertThat(entries.hasNext()).isFalse();
            assertThatThrownBy(entries::next).isInstanceOf(NoSuchElementException.class);
            assertThatThrownBy(() -> copy.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> copy.entrySet().iterator().next().setValue(2))
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }
}
