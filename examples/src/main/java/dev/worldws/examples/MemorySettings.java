package dev.worldws.examples;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Has the JVM give memory back to the system when the reference server does not need it. The server's typical
 * load is thousands of connections that sit idle for minutes; with its defaults G1 keeps up to 70% of the heap
 * committed as free headroom after a collection and collects an idle heap never, so the process holds far more
 * than it uses (about 37 KiB per idle connection committed against 16 KiB used, at 10,000 connections).
 *
 * <p>Only the JVM's <em>manageable</em> options are set, only while they still have the JVM's default value: one
 * given on the command line ({@code -XX:MaxHeapFreeRatio=...}) always wins. Options that cannot be changed at run
 * time (string deduplication, native heap trimming) are recommended in {@code docs/integration.md}.
 */
final class MemorySettings {
    private static final System.Logger LOG = System.getLogger(MemorySettings.class.getName());

    /** At most this share of the heap stays committed but free after a full collection or a concurrent cycle. */
    static final String MAX_HEAP_FREE_RATIO = "20";
    /** The heap grows after such a collection only when less than this share is free. */
    static final String MIN_HEAP_FREE_RATIO = "10";
    /** With G1, a concurrent cycle after this many milliseconds without any collection (JEP 346). */
    static final String G1_PERIODIC_GC_INTERVAL = "10000";

    private MemorySettings() {}

    /**
     * Applies the settings that are still at their defaults; returns the names of those it set. Never fails: on a
     * JVM without the HotSpot management interface it does nothing.
     */
    static List<String> apply() {
        List<String> set = new ArrayList<>();
        try {
            HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (hotSpot == null) {
                return set;
            }
            // Min before Max: the JVM refuses a Max below the current Min (40 by default)
            setIfDefault(hotSpot, "MinHeapFreeRatio", MIN_HEAP_FREE_RATIO, set);
            setIfDefault(hotSpot, "MaxHeapFreeRatio", MAX_HEAP_FREE_RATIO, set);
            if (usesG1()) {
                setIfDefault(hotSpot, "G1PeriodicGCInterval", G1_PERIODIC_GC_INTERVAL, set);
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "JVM memory settings left as they are: " + e);
        }
        return set;
    }

    private static void setIfDefault(HotSpotDiagnosticMXBean hotSpot, String name, String value, List<String> set) {
        VMOption option;
        try {
            option = hotSpot.getVMOption(name);
        } catch (IllegalArgumentException e) {
            return; // not an option of this JVM
        }
        if (option.getOrigin() != VMOption.Origin.DEFAULT || !option.isWriteable()) {
            return;
        }
        try {
            hotSpot.setVMOption(name, value);
            set.add(name + "=" + value);
        } catch (IllegalArgumentException e) {
            // e.g. a Max below a Min given on the command line: the command line wins
            LOG.log(System.Logger.Level.DEBUG, () -> "not setting " + name + "=" + value + ": " + e.getMessage());
        }
    }

    private static boolean usesG1() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc.getName().startsWith("G1")) {
                return true;
            }
        }
        return false;
    }
}
