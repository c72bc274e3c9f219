package io.perennial.learning.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.perennial.formats.spec.Activation;
import io.perennial.formats.spec.MlpSpec;
import io.perennial.learning.lora.LoraAdapter;
import io.perennial.learning.model.Network;

class DeltaMergingTest {

    // Two hand-made 2x2 deltas.
    private static final double[][] D1 = {{1.0, -2.0}, {0.5, 0.0}};
    private static final double[][] D2 = {{3.0, 1.0}, {-0.5, 0.2}};

    private static MergeOptions opts(double scale) {
        return MergeOptions.defaults().withScale(scale);
    }

    private static void assertMatrix(double[][] actual, double[][] expected) {
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                assertThat(actual[i][j]).as("[%d][%d]", i, j).isCloseTo(expected[i][j], within(1e-12));
            }
        }
    }

    @Test
    void taskArithmeticSumsAndScales() {
        // default λ = 1/T = 0.5: mean
        assertMatrix(DeltaMerging.merge(List.of(D1, D2), MergeMethod.TASK_ARITHMETIC, MergeOptions.defaults()),
                new double[][] {{2.0, -0.5}, {0.0, 0.1}});
        assertMatrix(DeltaMerging.merge(List.of(D1, D2), MergeMethod.TASK_ARITHMETIC, opts(1)), new double[][] {{4.0, -1.0}, {0.0, 0.2}});
    }

    @Test
    void tiesTrimsElectsSignAndAveragesAgreeingEntries() {
        // density 0.5 keeps the top 2 of 4 entries: D1 -> {{1,-2},{0,0}} ; D2 -> {{3,1},{0,0}}
        // entry (0,0): +1,+3 -> sign + -> mean 2 ; (0,1): -2,+1 -> sum -1 -> sign - -> only -2 agrees -> -2
        MergeOptions o = new MergeOptions(1, 0.5, 0.5, 0, 0.02, 0.5);
        assertMatrix(DeltaMerging.merge(List.of(D1, D2), MergeMethod.TIES, o), new double[][] {{2.0, -2.0}, {0.0, 0.0}});
    }

    @Test
    void magmaxKeepsTheLargestMagnitude() {
        assertMatrix(DeltaMerging.merge(List.of(D1, D2), MergeMethod.MAGMAX, MergeOptions.defaults()),
                new double[][] {{3.0, -2.0}, {0.5, 0.2}});
    }

    @Test
    void breadcrumbsDropsTheLargestAndSmallestMagnitudes() {
        // per delta of 4 entries: top 0.25 -> drop 1 largest, bottom 0.25 -> drop 1 smallest
        // D1 |.| = 1, 2, 0.5, 0 -> keep 1 and 0.5 ; D2 |.| = 3, 1, 0.5, 0.2 -> keep 1 and 0.5
        MergeOptions o = new MergeOptions(1, 0.2, 0.5, 0, 0.25, 0.25);
        assertMatrix(DeltaMerging.merge(List.of(D1, D2), MergeMethod.BREADCRUMBS, o), new double[][] {{1.0, 1.0}, {0.0, 0.0}});
    }

    @Test
    void dareDropsWithTheSeededMaskAndRescales() {
        double[][] ones = {{1, 1, 1, 1, 1, 1, 1, 1}};
        MergeOptions o = new MergeOptions(1, 0.2, 0.5, 42, 0.02, 0.5);
        double[][] m = DeltaMerging.merge(List.<double[][]>of(ones), MergeMethod.DARE, o);
        // reproduce the mask: entry kept iff the seeded uniform draw is >= p
        SplittableRandom r = new SplittableRandom(42L * 1_000_003L);
        for (int j = 0; j < 8; j++) {
            assertThat(m[0][j]).isEqualTo(r.nextDouble() >= 0.5 ? 2.0 : 0.0);
        }
        assertThat(DeltaMerging.merge(List.<double[][]>of(ones), MergeMethod.DARE, o)[0]).containsExactly(m[0]);
        assertThat(DeltaMerging.merge(List.<double[][]>of(ones), MergeMethod.DARE, o.withSeed(43))[0]).isNotEqualTo(m[0]);
        // p = 0 is plain task arithmetic
        assertMatrix(DeltaMerging.merge(List.of(D1, D2), MergeMethod.DARE, new MergeOptions(1, 0.2, 0.0, 1, 0.02, 0.5)),
                new double[][] {{4.0, -1.0}, {0.0, 0.2}});
    }

    @Test
    void orthogonalProjectionRemovesTheMergedRowSpaceAndRescales() {
        // M1 = D1' = [[1, 0], [0, 0]] uses input direction e1 only.
        double[][] a = {{1, 0}, {0, 0}};
        // b = [[1, 1], [0, 0]]: projected off e1 -> [[0, 1], [0, 0]] (norm 1), rescaled to ||b|| = sqrt(2)
        double[][] b = {{1, 1}, {0, 0}};
        double s = Math.sqrt(2);
        assertMatrix(DeltaMerging.merge(List.of(a, b), MergeMethod.ORTHOGONAL_PROJECTION, MergeOptions.defaults()),
                new double[][] {{1, s}, {0, 0}});
        // a delta entirely inside the merged row space adds nothing
        assertMatrix(DeltaMerging.merge(List.of(a, new double[][] {{0, 0}, {5, 0}}), MergeMethod.ORTHOGONAL_PROJECTION,
                MergeOptions.defaults()), a);
    }

    @Test
    void rejectsMismatchedShapes() {
        assertThatThrownBy(() -> DeltaMerging.merge(List.of(D1, new double[][] {{1, 2, 3}}), MergeMethod.TIES, MergeOptions.defaults()))
                .hasMessageContaining("shape mismatch: cannot merge a 1x3 delta with a 2x2 delta");
        assertThatThrownBy(() -> MergeMethod.parse("average")).hasMessageContaining("unknown merge method 'average'");
        assertThat(MergeMethod.parse("task-arithmetic")).isEqualTo(MergeMethod.TASK_ARITHMETIC);
    }

    @Test
    void truncatedSvdRecoversALowRankMatrix() {
        // rank-2 matrix u1 v1^T * 3 + u2 v2^T * 1 (orthonormal u, v)
        double[][] m = new double[4][5];
        double[] u1 = {0.5, 0.5, 0.5, 0.5};
        double[] u2 = {0.5, -0.5, 0.5, -0.5};
        double[] v1 = {1, 0, 0, 0, 0};
        double[] v2 = {0, 0.6, 0.8, 0, 0};
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 5; j++) {
                m[i][j] = 3 * u1[i] * v1[j] + u2[i] * v2[j];
            }
        }
        TruncatedSvd svd = TruncatedSvd.of(m, 2);
        assertThat(svd.sigma()[0]).isCloseTo(3, within(1e-9));
        assertThat(svd.sigma()[1]).isCloseTo(1, within(1e-9));
        assertMatrix(svd.reconstruct(), m);
        // rank 1 keeps the dominant part (Eckart–Young)
        double[][] r1 = TruncatedSvd.of(m, 1).reconstruct();
        assertThat(r1[0][0]).isCloseTo(1.5, within(1e-9));
        assertThat(r1[0][1]).isCloseTo(0, within(1e-9));
        // tall matrices go through the transpose
        assertMatrix(TruncatedSvd.of(TruncatedSvd.transpose(m), 2).reconstruct(), TruncatedSvd.transpose(m));
    }

    @Test
    void refactorisedMergeOfOneAdapterReproducesIt() {
        MlpSpec spec = new MlpSpec(6, List.of(5), 3, Activation.RELU);
        try (Network base = Network.initialize(spec, 1);
                LoraAdapter a = io.perennial.learning.lora.LoraAdapterTestSupport.random("a", base, 2, 4, List.of("fc1", "fc2"), 3);
                LoraAdapter merged = AdapterMerger.refactorize("m", base, List.of(a), MergeMethod.TASK_ARITHMETIC, opts(1), 2, 4)) {
            for (String layer : List.of("fc1", "fc2")) {
                double[][] x = a.deltaWeight(layer);
                double[][] y = merged.deltaWeight(layer);
                for (int i = 0; i < x.length; i++) {
                    for (int j = 0; j < x[i].length; j++) {
                        assertThat(y[i][j]).isCloseTo(x[i][j], within(1e-5));
                    }
                }
            }
        }
    }

    @Test
    void refusesToMergeAdaptersOfDifferentBases() {
        MlpSpec spec = new MlpSpec(6, List.of(5), 3, Activation.RELU);
        try (Network base1 = Network.initialize(spec, 1); Network base2 = Network.initialize(spec, 2);
                LoraAdapter a = LoraAdapter.create("a", base1, 2, 4, List.of("fc1"), 1);
                LoraAdapter b = LoraAdapter.create("b", base2, 2, 4, List.of("fc1"), 1)) {
            assertThatThrownBy(() -> AdapterMerger.mergeDeltas(List.of(a, b), MergeMethod.TIES, MergeOptions.defaults()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot merge adapters of different bases: 'a'");
            assertThatThrownBy(() -> AdapterMerger.foldInto(base1, List.of(b), MergeMethod.TIES, MergeOptions.defaults()))
                    .hasMessageContaining("adapter 'b' was trained on base");
        }
    }
}
