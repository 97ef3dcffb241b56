package dev.worldws.core.protocol;

import java.time.Instant;

/**
 * {@link Instant#toString()} without the formatter machinery: every server frame carries one or two timestamps, and
 * {@code DateTimeFormatter.ISO_INSTANT} (a {@code LocalDateTime}, a {@code StringBuilder} and a printer-parser chain
 * per call) was a third of the encoding cost. The text is exactly {@code Instant.toString()}'s: seconds always, the
 * fraction in groups of three digits as long as needed (none when the nanos are 0). Years outside 1970 to 9999 take
 * {@code Instant.toString()} itself.
 */
final class IsoInstants {
    /** 9999-12-31T23:59:59Z. */
    private static final long LAST_FAST_SECOND = 253_402_300_799L;
    private static final int SECONDS_PER_DAY = 86_400;

    private IsoInstants() {}

    static String format(Instant instant) {
        long epochSecond = instant.getEpochSecond();
        if (epochSecond < 0 || epochSecond > LAST_FAST_SECOND) {
            return instant.toString();
        }
        int nanos = instant.getNano();
        int fractionDigits = nanos == 0 ? 0 : nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
        char[] out = new char[20 + (fractionDigits == 0 ? 0 : 1 + fractionDigits)];

        long days = epochSecond / SECONDS_PER_DAY;
        int secondOfDay = (int) (epochSecond % SECONDS_PER_DAY);
        // days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's civil_from_days; days >= 0 here)
        long z = days + 719_468;
        long era = z / 146_097;
        int dayOfEra = (int) (z - era * 146_097);
        int yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        int shiftedMonth = (5 * dayOfYear + 2) / 153;
        int day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1;
        int month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
        int year = (int) (yearOfEra + era * 400) + (month <= 2 ? 1 : 0);

        digits(out, 0, year, 4);
        out[4] = '-';
        digits(out, 5, month, 2);
        out[7] = '-';
        digits(out, 8, day, 2);
        out[10] = 'T';
        digits(out, 11, secondOfDay / 3_600, 2);
        out[13] = ':';
        digits(out, 14, secondOfDay / 60 % 60, 2);
        out[16] = ':';
        digits(out, 17, secondOfDay % 60, 2);
        int end = 19;
        if (fractionDigits > 0) {
            out[end++] = '.';
            int fraction = fractionDigits == 3 ? nanos / 1_000_000 : fractionDigits == 6 ? nanos / 1_000 : nanos;
            digits(out, end, fraction, fractionDigits);
            end += fractionDigits;
        }
        out[end] = 'Z';
        return new String(out);
    }

    private static void digits(char[] out, int offset, int value, int width) {
        for (int i = offset + width - 1; i >= offset; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
