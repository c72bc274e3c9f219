package io.perennial.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import io.perennial.contracts.events.EventCodec;
import io.perennial.contracts.events.SampleEvents.Sample;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.json.JsonMapper;

/** The streaming sample encoder writes exactly what data binding writes, so consumers see one format. */
class SampleEncodingTest {

    private final JsonMapper mapper = JsonMapper.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();
    private final EventCodec codec = new EventCodec(mapper);

    @Test
    void streamingEncoderMatchesDataBindingByteForByte() {
        SplittableRandom random = new SplittableRandom(42);
        float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MAX_VALUE, Float.MAX_VALUE, 1e-7f, 123456.79f, 0.1f};
        for (int n = 0; n < 2_000; n++) {
            float[] features = new float[random.nextInt(0, 70)];
            for (int i = 0; i < features.length; i++) {
                features[i] = random.nextInt(8) == 0 ? special[random.nextInt(special.length)]
                        : (float) (random.nextGaussian() * Math.pow(10, random.nextInt(-6, 7)));
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            for (int i = random.nextInt(0, 4); i > 0; i--) {
                attributes.put("k" + i + text(random), text(random));
            }
            String label = random.nextInt(3) == 0 ? null : text(random);
            Instant time = Instant.ofEpochSecond(random.nextLong(0, 4_000_000_000L), random.nextInt(4) == 0 ? 0
                    : random.nextInt(1_000_000_000));
            Sample sample = new Sample("id-" + text(random), features, label, random.nextInt(20) == 0 ? null : time,
                    random.nextInt(20) == 0 ? null : attributes);

            byte[] streamed = codec.encode(sample);
            byte[] bound = mapper.writeValueAsBytes(sample);

            assertThat(new String(streamed, StandardCharsets.UTF_8)).isEqualTo(new String(bound, StandardCharsets.UTF_8));
            assertThat(codec.read(streamed, Sample.class)).isEqualTo(sample);
        }
    }

    @Test
    void encodingThroughTheObjectOverloadIsTheSame() {
        Sample sample = new Sample("a", new float[] {1.5f, -2f}, "x", Instant.parse("2026-11-22T10:00:00Z"), Map.of());
        assertThat(codec.encode((Object) sample)).isEqualTo(codec.encode(sample));
    }

    private static String text(SplittableRandom random) {
        String alphabet = "abcXYZ019 _-\"\\\u00e9\u4e2d\n\t\u0001";
        StringBuilder b = new StringBuilder();
        for (int i = random.nextInt(0, 12); i > 0; i--) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
