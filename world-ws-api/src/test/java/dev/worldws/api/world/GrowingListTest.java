package dev.worldws.api.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GrowingListTest {

    @Test
    void appendingLeavesTheOriginalUnchangedAndGrowsInPlace() {
        GrowingList<String> empty = GrowingList.copyOf(List.of());
        GrowingList<String> one = empty.plus("a");
        GrowingList<String> two = one.plus("b");
        GrowingList<String> three = two.plus("c");

        assertThat(empty).isEmpty();
        assertThat(one).containsExactly("a");
        assertThat(two).containsExactly("a", "b");
        assertThat(three).containsExactly("a", "b", "c").isEqualTo(List.of("a", "b", "c"));
        assertThat(three.hashCode()).isEqualTo(List.of("a", "b", "c").hashCode());
        assertThat(GrowingList.sharesStorage(two, three)).as("the second append reused the first one's array").isTrue();
    }

    @Test
    void aSiblingAppendedToTheSameListDoesNotSeeTheOther() {
        GrowingList<String> base = GrowingList.copyOf(List.of("x")).plus("y");
        GrowingList<String> left = base.plus("left");
        GrowingList<String> right = base.plus("right");

        assertThat(left).containsExactly("x", "y", "left");
        assertThat(right).containsExactly("x", "y", "right");
        assertThat(base).containsExactly("x", "y");
        assertThat(left.plus("more")).containsExactly("x", "y", "left", "more");
        assertThat(right.plus("else")).containsExactly("x", "y", "right", "else");
    }

    @Test
    void manyThreadsExtendingOneListEachGetTheirOwnItem() throws Exception {
        GrowingList<Integer> base = GrowingList.copyOf(List.of(0)).plus(1); // spare capacity to race for
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<GrowingList<Integer>>> results = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                int item = 100 + i;
                results.add(pool.submit(() -> {
                    start.await();
                    return base.plus(item);
                }));
            }
            start.countDown();
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get(10, TimeUnit.SECONDS)).containsExactly(0, 1, 100 + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void isUnmodifiableAndRefusesNulls() {
        GrowingList<String> list = GrowingList.copyOf(List.of("a"));
        assertThatThrownBy(() -> list.add("b")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> list.set(0, "b")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> list.plus(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> GrowingList.copyOf(Arrays.asList("a", null))).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> list.get(1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void copyingAListSnapshotsIt() {
        List<String> source = new ArrayList<>(List.of("a", "b"));
        GrowingList<String> copy = GrowingList.copyOf(source);
        source.add("c");
        assertThat(copy).containsExactly("a", "b");
        assertThat(GrowingList.copyOf(copy)).isSameAs(copy);
        assertThat(copy.toArray()).containsExactly("a", "b");
    }

    @Test
    void worldsAndAgentsGrowWithoutTouchingTheirEarlierSnapshots() {
        Agent agent = new Agent(AgentConfig.of(new dev.worldws.api.AgentId("ann"), "Ann"), "", List.of());
        Agent remembered = agent.remember(memory("one")).remember(memory("two"));
        Agent forked = agent.remember(memory("one")).remember(memory("other"));

        assertThat(agent.memory()).isEmpty();
        assertThat(remembered.memory()).extracting(MemoryItem::content).containsExactly("one", "two");
        assertThat(forked.memory()).extracting(MemoryItem::content).containsExactly("one", "other");
    }

    private static MemoryItem memory(String content) {
        return new MemoryItem("user", content, java.time.Instant.EPOCH, "human", "default", content, null, "ann",
                java.util.Map.of());
    }
}
