package io.perennial.learning.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.DataOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataTest {

    private static LabeledData image(float... pixels) {
        int side = (int) Math.round(Math.sqrt(pixels.length));
        return LabeledData.of(pixels, new int[] {0}, new int[] {1, side, side}, 2);
    }

    @Test
    void rotationBy90DegreesMovesPixelsExactly() {
        // 3x3 with a single bright pixel at (row 0, col 2) -> rotating counter-clockwise by 90° moves it to (0, 0)
        float[] p = new float[9];
        p[2] = 1;
        float[] r = DomainShift.rotation(90).apply(image(p)).features();
        assertThat(r[0]).isCloseTo(1f, within(1e-5f));
        float sum = 0;
        for (float v : r) {
            sum += v;
        }
        assertThat(sum).isCloseTo(1f, within(1e-5f));
        assertThat(DomainShift.rotation(0).apply(image(p)).features()).containsExactly(p);
        assertThat(DomainShift.rotation(30).name()).isEqualTo("rot30");
    }

    @Test
    void permutationIsAFixedBijection() {
        float[] p = new float[16];
        for (int i = 0; i < 16; i++) {
            p[i] = i;
        }
        float[] a = DomainShift.permutation(5).apply(image(p)).features();
        float[] b = DomainShift.permutation(5).apply(image(p)).features();
        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(p);
        float[] sorted = a.clone();
        Arrays.sort(sorted);
        assertThat(sorted).containsExactly(p);
    }

    @Test
    void inversionNoiseAndBlur() {
        float[] p = {0, 0.25f, 1, 0.5f};
        assertThat(DomainShift.inversion().apply(image(p)).features()).containsExactly(1, 0.75f, 0, 0.5f);
        float[] noisy = DomainShift.gaussianNoise(0.5, 1).apply(image(p)).features();
        for (float v : noisy) {
            assertThat(v).isBetween(0f, 1f);
        }
        assertThat(noisy).isNotEqualTo(p);
        // a centred impulse in a 9x9 image keeps its mass under blur and spreads symmetrically
        float[] impulse = new float[81];
        impulse[40] = 1;
        float[] blurred = DomainShift.blur(1.0).apply(image(impulse)).features();
        float sum = 0;
        for (float v : blurred) {
            sum += v;
        }
        assertThat(sum).isCloseTo(1f, within(1e-3f));
        assertThat(blurred[39]).isCloseTo(blurred[41], within(1e-7f));
        assertThat(blurred[40]).isLessThan(0.5f);
        assertThatThrownBy(() -> DomainShift.rotation(10).apply(LabeledData.of(new float[3], new int[] {0}, new int[] {3}, 2)))
                .hasMessageContaining("shape mismatch: domain shift 'rot10' needs image samples");
    }

    @Test
    void uciDigitsFixtureLoads() {
        LabeledData d = UciDigits.load();
        assertThat(d.size()).isEqualTo(1797);
        assertThat(d.sampleShape()).containsExactly(1, 8, 8);
        assertThat(Arrays.stream(d.classCounts()).min().orElseThrow()).isGreaterThan(170);
        float max = 0;
        for (float v : d.features()) {
            max = Math.max(max, v);
        }
        assertThat(max).isEqualTo(1f);
        assertThat(UciDigits.class.getResource("digits-LICENSE.txt")).isNotNull();
    }

    @Test
    void fashionMnistReportsClearlyWhenAbsent(@TempDir Path dir) {
        assertThat(FashionMnist.isAvailable(dir)).isFalse();
        assertThatThrownBy(() -> FashionMnist.load(dir, 10, 10))
                .isInstanceOf(DatasetUnavailableException.class)
                .hasMessageContaining("apt-get install -y dataset-fashion-mnist");
    }

    @Test
    void idxReaderReadsAHandBuiltFile(@TempDir Path dir) throws Exception {
        Path img = dir.resolve("img.gz");
        Path lab = dir.resolve("lab.gz");
        try (DataOutputStream o = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(img)))) {
            o.writeInt(0x803);
            o.writeInt(2);
            o.writeInt(2);
            o.writeInt(2);
            o.write(new byte[] {0, (byte) 255, 51, 102, 1, 2, 3, 4});
        }
        try (OutputStream raw = Files.newOutputStream(lab); DataOutputStream o = new DataOutputStream(new GZIPOutputStream(raw))) {
            o.writeInt(0x801);
            o.writeInt(2);
            o.write(new byte[] {7, 3});
        }
        LabeledData d = FashionMnist.read(img, lab, 10);
        assertThat(d.size()).isEqualTo(2);
        assertThat(d.labels()).containsExactly(7, 3);
        assertThat(d.row(0)).containsExactly(0f, 1f, 0.2f, 0.4f);
        assertThatThrownBy(() -> FashionMnist.read(lab, lab, 10)).hasMessageContaining("not an IDX3 ubyte file");
    }

    @Test
    void segmentedStreamHasKnownBoundariesAndRejectsEmptySegments() {
        LabeledData pool = UciDigits.load();
        SegmentedStream s = SegmentedStream.build(pool.range(0, 1200), pool.range(1200, 1797),
                List.of(DomainShift.identity(), DomainShift.rotation(45), DomainShift.inversion()), 300, 100, 1);
        assertThat(s.size()).isEqualTo(3);
        assertThat(s.boundaries()).containsExactly(0, 300, 600);
        assertThat(s.segment(1).name()).isEqualTo("rot45");
        assertThat(s.concatenatedTrain().size()).isEqualTo(900);
        assertThat(s.probes()).allSatisfy(p -> assertThat(p.size()).isEqualTo(100));
        // disjoint draws: no training sample of segment 0 reappears in segment 2 (inversion is invertible)
        assertThat(s.segment(0).train().row(0)).isNotEqualTo(DomainShift.inversion().apply(s.segment(2).train()).row(0));
        assertThatThrownBy(() -> SegmentedStream.build(pool, pool, List.of(DomainShift.identity()), 0, 10, 1))
                .hasMessageContaining("empty segments");
        assertThatThrownBy(() -> new SegmentedStream.Segment(0, "x", pool.range(0, 0), pool.range(0, 5)))
                .hasMessageContaining("segment 0 ('x') has an empty training window");
    }

    @Test
    void labeledDataValidatesEverything() {
        assertThatThrownBy(() -> LabeledData.of(new float[5], new int[2], new int[] {3}, 2))
                .hasMessageContaining("shape mismatch: 2 labels with sample shape [3] need 6 feature values, got 5");
        assertThatThrownBy(() -> LabeledData.of(new float[] {1, Float.NEGATIVE_INFINITY}, new int[] {0}, new int[] {2}, 2))
                .hasMessageContaining("non-finite input: sample 0 feature 1 is -Infinity");
        assertThatThrownBy(() -> LabeledData.of(new float[2], new int[] {5}, new int[] {2}, 2))
                .hasMessageContaining("label 5 of sample 0 is outside [0, 2)");
        LabeledData d = LabeledData.of(new float[] {1, 2, 3, 4, 5, 6}, new int[] {0, 1, 0}, new int[] {2}, 2);
        List<LabeledData> parts = d.split(0.34, 1);
        assertThat(parts.get(0).size() + parts.get(1).size()).isEqualTo(3);
        assertThat(LabeledData.concat(List.of(d, d)).size()).isEqualTo(6);
        assertThatThrownBy(() -> LabeledData.concat(List.of(d, d.reshape(1, 2)))).hasMessageContaining("shape mismatch");
    }
}
