package io.perennial.ingest.sample;

import java.security.SecureRandom;
import java.util.UUID;

/** Sample ids for records that bring none: UUIDv7 (RFC 9562), time-ordered so ids sort by ingest time. */
public final class IdGenerator {

    private final SecureRandom random = new SecureRandom();

    /** A new UUIDv7 as text. */
    public String next() {
        long millis = System.currentTimeMillis();
        long msb = (millis << 16) | 0x7000L | (random.nextInt() & 0x0FFFL);
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
