import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Sums the bytes of a JFR recording's {@code jdk.ObjectAllocationOutsideTLAB} events (every object, when the JVM ran
 * with {@code -XX:-UseTLAB}) by thread group and by the first world-ws method on the object's stack, for the whole
 * recording or per bucket of seconds. Reads the recording with {@code jdk.jfr.consumer} rather than the text of
 * {@code jfr print}, which is some 60 times the recording's size (gigabytes for 30 s of chat).
 *
 * <pre>java bench/AllocSites.java RECORDING.jfr [BUCKET_SECONDS (0: the whole recording)] [TOP]</pre>
 */
public final class AllocSites {
    private static final String EVENT = "jdk.ObjectAllocationOutsideTLAB";
    private static final String OURS = "dev.worldws.";

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: java AllocSites.java RECORDING.jfr [BUCKET_SECONDS] [TOP]");
            System.exit(2);
        }
        long bucketMillis = 1000L * (args.length > 1 ? Integer.parseInt(args[1]) : 0);
        int top = args.length > 2 ? Integer.parseInt(args[2]) : 25;
        Map<Long, Map<String, Long>> bytesBySite = new TreeMap<>();
        long first = -1;
        try (RecordingFile recording = new RecordingFile(Path.of(args[0]))) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                if (!event.getEventType().getName().equals(EVENT)) {
                    continue;
                }
                long at = event.getStartTime().toEpochMilli();
                first = first < 0 ? at : first;
                long bucket = bucketMillis == 0 ? 0 : (at - first) / bucketMillis;
                String site = thread(event) + "  " + site(event.getStackTrace());
                bytesBySite.computeIfAbsent(bucket, b -> new HashMap<>())
                        .merge(site, event.getLong("allocationSize"), Long::sum);
            }
        }
        for (Map.Entry<Long, Map<String, Long>> bucket : bytesBySite.entrySet()) {
            long total = bucket.getValue().values().stream().mapToLong(Long::longValue).sum();
            String when = bucketMillis == 0 ? "in all"
                    : "from second " + bucket.getKey() * bucketMillis / 1000 + " for " + bucketMillis / 1000 + " s";
            System.out.printf("%.1f MB %s%n", total / 1e6, when);
            bucket.getValue().entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .limit(top)
                    .forEach(site -> System.out.printf("%6.1f %%  %s%n", 100.0 * site.getValue() / total,
                            site.getKey()));
        }
    }

    /** The thread's name without its number, so that a pool's threads count as one. */
    private static String thread(RecordedEvent event) {
        return event.getThread() == null ? "?" : event.getThread().getJavaName().replaceAll("[-#(]?\\d+\\)?$", "");
    }

    /** The first world-ws method on the stack (class without the package prefix), or a mark that there is none. */
    private static String site(RecordedStackTrace stack) {
        if (stack != null) {
            for (RecordedFrame frame : stack.getFrames()) {
                String type = frame.getMethod().getType().getName();
                if (type.startsWith(OURS)) {
                    return type.substring(OURS.length()).replaceAll("\\$\\$Lambda.*", " (lambda)") + "."
                            + frame.getMethod().getName();
                }
            }
        }
        return "(no world-ws frame)";
    }
}
