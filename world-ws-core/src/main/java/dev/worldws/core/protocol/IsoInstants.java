package dev.worldws.core.protocol;

import java.time.Instant;
import java.time.Month;
import java.time.Year;

/**
 * {@link Instant#toString()} without the formatter machinery: every server frame carries one or two timestamps, and
 * {@code DateTimeFormatter.ISO_INSTANT} (a {@code LocalDateTime}, a {@code StringBuilder} and a printer-parser chain
 * per call) was a third of the encoding cost. The text is exactly {@code Instant.toString()}'s: seconds always, the
 * fraction in groups of three digits as long as needed (none when the nanos are 0). Years outside 1970 to 9999 take
 * {@code Instant.toString()} itself. Shared by the protocol's encoder and the file store's renderer.
 */
public final class IsoInstants {
    /** 9999-12-31T23:59:59Z. */
    private static final long LAST_FAST_SECOND = 253_402_300_799L;
    private static final int SECONDS_PER_DAY = 86_400;
    /** 2026-11-25T18:15:36.123456789Z. */
    public static final int MAX_CHARS = 30;

    private IsoInstants() {}

    static String format(Instant instant) {
        char[] out = new char[MAX_CHARS];
        int length = write(instant, out, 0);
        return length < 0 ? instant.toString() : new String(out, 0, length);
    }

    /**
     * {@code instant} as a world's files store it: {@code Instant.toString()}'s text, with {@code .000} for a whole
     * second (as agent-world writes one), so that a stored time always has a fraction. Built without the formatter,
     * since the file store and the runtime store one or two with every message.
     */
    public static String storedText(Instant instant) {
        char[] out = new char[MAX_CHARS];
        int length = writeStored(instant, out, 0);
        if (length < 0) {
            String text = instant.toString();
            return instant.getNano() == 0 ? text.substring(0, text.length() - 1) + ".000Z" : text;
        }
        return new String(out, 0, length);
    }

    /**
     * Writes {@link #storedText}'s text of {@code instant} into {@code out} from {@code offset} (which has room for
     * {@link #MAX_CHARS}); the offset after it, or -1 (nothing written) for years outside 1970 to 9999.
     */
    public static int writeStored(Instant instant, char[] out, int offset) {
        int end = write(instant, out, offset);
        if (end >= 0 && instant.getNano() == 0) { // "…:36Z" -> "…:36.000Z"
            out[end - 1] = '.';
            out[end++] = '0';
            out[end++] = '0';
            out[end++] = '0';
            out[end++] = 'Z';
        }
        return end;
    }

    /**
     * Writes {@code instant} into {@code out} from {@code offset} (which has room for {@link #MAX_CHARS}); the
     * offset after it, or -1 (nothing written) for years outside 1970 to 9999.
     */
    public static int write(Instant instant, char[] out, int offset) {
        long epochSecond = instant.getEpochSecond();
        if (epochSecond < 0 || epochSecond > LAST_FAST_SECOND) {
            return -1;
        }
        int nanos = instant.getNano();
        int fractionDigits = nanos == 0 ? 0 : nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;

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

        int at = offset;
        at = twoDigits(out, at, year / 100);
        at = twoDigits(out, at, year % 100);
        out[at++] = '-';
        at = twoDigits(out, at, month);
        out[at++] = '-';
        at = twoDigits(out, at, day);
        out[at++] = 'T';
        at = twoDigits(out, at, secondOfDay / 3_600);
        out[at++] = ':';
        at = twoDigits(out, at, secondOfDay / 60 % 60);
        out[at++] = ':';
        at = twoDigits(out, at, secondOfDay % 60);
        if (fractionDigits > 0) {
            out[at++] = '.';
            int fraction = fractionDigits == 3 ? nanos / 1_000_000 : fractionDigits == 6 ? nanos / 1_000 : nanos;
            for (int i = at + fractionDigits - 1; i >= at; i--) {
                out[i] = (char) ('0' + fraction % 10);
                fraction /= 10;
            }
            at += fractionDigits;
        }
        out[at++] = 'Z';
        return at;
    }

    /**
     * {@link Instant#parse}, with the text that worlds and frames carry ({@code 2026-11-25T18:15:36.123Z}: a year of
     * four digits from 1970, seconds, up to nine digits of fraction, {@code Z}) read without the formatter, whose
     * parsing (a field map and a resolver per call) was most of reading a clone's config and a chat's times. Any
     * other text, valid or not, goes to {@code Instant.parse}: the result or the exception is always its.
     *
     * @throws java.time.format.DateTimeParseException as {@code Instant.parse} does
     */
    public static Instant parse(String text) {
        Instant fast = fastParse(text);
        return fast != null ? fast : Instant.parse(text);
    }

    /** The instant of {@code text} in the common form described at {@link #parse}; null for any other text. */
    static Instant fastParse(String text) {
        int length = text.length();
        if (length < 20 || length > 30 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':' || text.charAt(length - 1) != 'Z') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if (year < 1970 || month < 1 || month > 12 || day < 1 || day > Month.of(month).length(Year.isLeap(year))
                || (hour | minute | second) < 0 || hour > 23 || minute > 59 || second > 59) {
            return null; // includes a non-digit (-1); hour 24 and leap seconds are Instant.parse's to resolve
        }
        int nanos = 0;
        if (length > 20) {
            int fractionDigits = length - 21;
            if (text.charAt(19) != '.' || fractionDigits < 1) {
                return null;
            }
            nanos = digits(text, 20, fractionDigits);
            if (nanos < 0) {
                return null;
            }
            for (int i = fractionDigits; i < 9; i++) {
                nanos *= 10;
            }
        }
        // a proleptic Gregorian date to days since 1970-01-01 (H. Hinnant's days_from_civil; years >= 0 here)
        int y = month <= 2 ? year - 1 : year;
        int era = y / 400;
        int yearOfEra = y - era * 400;
        int dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        long days = era * 146_097L + dayOfEra - 719_468;
        return Instant.ofEpochSecond(days * SECONDS_PER_DAY + hour * 3_600 + minute * 60 + second, nanos);
    }

    /** The number written by {@code count} ASCII digits of {@code text} from {@code from}; -1 if one is not a digit. */
    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            int digit = text.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    private static int twoDigits(char[] out, int at, int value) {
        out[at] = (char) ('0' + value / 10);
        out[at + 1] = (char) ('0' + value % 10);
        return at + 2;
    }
}
