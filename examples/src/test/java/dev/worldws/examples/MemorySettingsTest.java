package dev.worldws.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** On the test JVM itself (surefire starts it without heap ratio options). */
class MemorySettingsTest {
    private static final HotSpotDiagnosticMXBean HOTSPOT =
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);

    @Test
    @DisplayName("options at the JVM's defaults are set so that free heap goes back to the system; a value set otherwise stays")
    void setsOnlyDefaults() {
        assertThat(HOTSPOT.getVMOption("MinHeapFreeRatio").getOrigin()).isEqualTo(VMOption.Origin.DEFAULT);
        assertThat(HOTSPOT.getVMOption("MaxHeapFreeRatio").getOrigin()).isEqualTo(VMOption.Origin.DEFAULT);
        // as if an operator had chosen their own ceiling (on the command line it would be Origin.VM_CREATION)
        HOTSPOT.setVMOption("MaxHeapFreeRatio", "60");

        assertThat(MemorySettings.apply()).contains("MinHeapFreeRatio=" + MemorySettings.MIN_HEAP_FREE_RATIO)
                .noneMatch(set -> set.startsWith("MaxHeapFreeRatio"));

        assertThat(HOTSPOT.getVMOption("MinHeapFreeRatio").getValue()).isEqualTo(MemorySettings.MIN_HEAP_FREE_RATIO);
        assertThat(HOTSPOT.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo("60");
        if (ManagementFactory.getGarbageCollectorMXBeans().stream().anyMatch(gc -> gc.getName().startsWith("G1"))) {
            assertThat(HOTSPOT.getVMOption("G1PeriodicGCInterval").getValue())
                    .isEqualTo(MemorySettings.G1_PERIODIC_GC_INTERVAL);
        }
        assertThat(MemorySettings.apply()).as("nothing left at its default the second time").isEmpty();
    }
}
