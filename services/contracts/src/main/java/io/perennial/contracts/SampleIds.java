package io.perennial.contracts;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Ids for samples that bring none: UUIDv7 (RFC 9562), time-ordered so ids sort by creation time. Used by ingest for
 * records without an id and by clients that assign ids before their first attempt.
 */
public final class SampleIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private SampleIds() {
    }

    /** A new UUIDv7 as text. */
    public static String next() {
        long msb = (System.currentTimeMillis() << 16) | 0x7000L | (RANDOM.nextInt() & 0x0FFFL);
        long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
