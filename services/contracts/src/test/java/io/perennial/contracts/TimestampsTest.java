package io.perennial.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimestampsTest {

    @Test
    void writesWhatInstantToStringWrites() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            long seconds = switch (i % 4) {
                case 0 -> random.nextLong(0, 4_102_444_800L); // 1970-2100
                case 1 -> random.nextLong(-62_135_596_800L - 86_400, 253_402_300_800L + 86_400); // around the fast range
                case 2 -> random.nextLong(-100_000_000_000_000L, 100_000_000_000_000L); // far outside it
                default -> random.nextLong(-86_400, 86_400); // around the epoch
            };
            int nanos = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(seconds, nanos);
            assertThat(Timestamps.format(instant)).isEqualTo(instant.toString());
        }
        for (Instant edge : new Instant[] {Instant.EPOCH, Instant.MIN, Instant.MAX, Instant.parse("0001-01-01T00:00:00Z"),
                Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.parse("2024-02-29T12:00:00.5Z")}) {
            assertThat(Timestamps.format(edge)).isEqualTo(edge.toString());
        }
    }
}
