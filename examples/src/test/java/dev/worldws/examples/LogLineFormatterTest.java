package dev.worldws.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TimeZone;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LogLineFormatterTest {
    private static final String FORMAT_PROPERTY = "java.util.logging.SimpleFormatter.format";

    @Test
    @DisplayName("a log line reads exactly as SimpleFormatter's with the server's format, in any time zone")
    void sameTextAsSimpleFormatter() {
        SimpleFormatter reference = simpleFormatter();
        LogLineFormatter formatter = new LogLineFormatter();
        TimeZone zoneBefore = TimeZone.getDefault();
        try {
            for (String zone : List.of("UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kathmandu")) {
                TimeZone.setDefault(TimeZone.getTimeZone(zone));
                for (LogRecord record : records()) {
                    assertThat(formatter.format(record)).as("%s in %s", record.getMessage(), zone)
                            .isEqualTo(reference.format(record));
                }
            }
        } finally {
            TimeZone.setDefault(zoneBefore);
        }
    }

    @Test
    @DisplayName("records of one second, then of the next and back, each carry their own time")
    void secondsDoNotLeakIntoEachOther() {
        LogLineFormatter formatter = new LogLineFormatter();
        TimeZone zoneBefore = TimeZone.getDefault();
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
            assertThat(formatter.format(record(Instant.parse("2026-11-27T07:30:27.999Z"), "a")))
                    .startsWith("2026-11-27 07:30:27.999 INFO ");
            assertThat(formatter.format(record(Instant.parse("2026-11-27T07:30:28.000Z"), "b")))
                    .startsWith("2026-11-27 07:30:28.000 INFO ");
            assertThat(formatter.format(record(Instant.parse("2026-11-27T07:30:27.005Z"), "c")))
                    .startsWith("2026-11-27 07:30:27.005 INFO ");
            TimeZone.setDefault(TimeZone.getTimeZone("Asia/Kathmandu"));
            assertThat(formatter.format(record(Instant.parse("2026-11-27T07:30:27.005Z"), "d")))
                    .as("a new zone within the same second").startsWith("2026-11-27 13:15:27.005 INFO ");
        } finally {
            TimeZone.setDefault(zoneBefore);
        }
    }

    private static SimpleFormatter simpleFormatter() {
        String before = System.getProperty(FORMAT_PROPERTY);
        System.setProperty(FORMAT_PROPERTY, LogLineFormatter.SIMPLE_FORMAT);
        try {
            return new SimpleFormatter(); // reads the format when constructed
        } finally {
            if (before == null) {
                System.clearProperty(FORMAT_PROPERTY);
            } else {
                System.setProperty(FORMAT_PROPERTY, before);
            }
        }
    }

    private static List<LogRecord> records() {
        List<LogRecord> records = new ArrayList<>();
        Random random = new Random(27);
        for (int i = 0; i < 300; i++) {
            // across years, leap days and summer time switches, at every millisecond position
            Instant at = Instant.ofEpochSecond(946_684_800L + random.nextInt(1_000_000_000), random.nextInt(1_000_000_000));
            records.add(record(at, "connection opened: " + i));
        }
        records.add(record(Instant.parse("2026-03-29T01:00:00.000Z"), "at a switch to summer time"));
        LogRecord warning = record(Instant.parse("2026-11-27T07:30:27.042Z"), "cannot save {0}: {1}");
        warning.setLevel(Level.WARNING);
        warning.setParameters(new Object[] {"world-1", "disk full"});
        warning.setThrown(new IOException("No space left on device", new IllegalStateException("cause")));
        records.add(warning);
        LogRecord fine = record(Instant.parse("2026-11-27T07:30:27.000123Z"), "unchanged");
        fine.setLevel(Level.FINE);
        fine.setLoggerName(null);
        records.add(fine);
        return records;
    }

    private static LogRecord record(Instant at, String message) {
        LogRecord record = new LogRecord(Level.INFO, message);
        record.setInstant(at);
        record.setLoggerName("dev.worldws.tyrus.WorldWsEndpoint");
        return record;
    }
}
