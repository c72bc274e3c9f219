package io.perennial.contracts;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;

/**
 * ISO-8601 UTC text of an instant, exactly as {@link Instant#toString()} writes it, without the general formatter:
 * every sample carries two timestamps (its own and its CloudEvents {@code ce_time}), and the formatter was a visible
 * share of ingest's CPU.
 */
public final class Timestamps {

    /** 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z: the years written with four digits and no sign. */
    private static final long FIRST_FAST_SECOND = -62_135_596_800L;
    private static final long END_FAST_SECOND = 253_402_300_800L;

    private Timestamps() {
    }

    /** The same text as {@code instant.toString()}: seconds always, then 0, 3, 6 or 9 fraction digits, then Z. */
    public static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < FIRST_FAST_SECOND || seconds >= END_FAST_SECOND) {
            return instant.toString();
        }
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400));
        int secondOfDay = (int) Math.floorMod(seconds, 86_400);
        byte[] text = new byte[30];
        int at = digits(text, 0, date.getYear(), 4);
        text[at++] = '-';
        at = digits(text, at, date.getMonthValue(), 2);
        text[at++] = '-';
        at = digits(text, at, date.getDayOfMonth(), 2);
        text[at++] = 'T';
        at = digits(text, at, secondOfDay / 3600, 2);
        text[at++] = ':';
        at = digits(text, at, secondOfDay / 60 % 60, 2);
        text[at++] = ':';
        at = digits(text, at, secondOfDay % 60, 2);
        int nanos = instant.getNano();
        if (nanos > 0) {
            text[at++] = '.';
            if (nanos % 1_000_000 == 0) {
                at = digits(text, at, nanos / 1_000_000, 3);
            } else if (nanos % 1000 == 0) {
                at = digits(text, at, nanos / 1000, 6);
            } else {
                at = digits(text, at, nanos, 9);
            }
        }
        text[at++] = 'Z';
        return new String(text, 0, at, StandardCharsets.ISO_8859_1);
    }

    private static int digits(byte[] text, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            text[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return at + width;
    }
}
