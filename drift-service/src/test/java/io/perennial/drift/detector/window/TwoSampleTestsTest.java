package io.perennial.drift.detector.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.perennial.drift.detector.Decision;
import io.perennial.drift.detector.DetectorResult;
import io.perennial.drift.detector.stats.Distributions;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TwoSampleTestsTest {

    static float[] gaussian(SplittableRandom random, int n, int d, double shift, int shiftedFeature) {
        float[] rows = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                rows[i * d + j] = (float) (RffMmdTest.gaussian(random) + (j == shiftedFeature ? shift : 0));
            }
        }
        return rows;
    }

    /**
     * At the small levels drift detection runs at, the random-feature MMD test must not alarm more often than its level
     * on data without a shift. Sparse, skewed rows like image pixels, windows near the test's minimum of 5 x 32: with
     * the chi-square limit instead of Hotelling's F law this alarmed 26 times where 5 are expected.
     */
    @Test
    void mmdFalseAlarmRateStaysAtItsLevelOnSparseSkewedData() {
        SplittableRandom random = new SplittableRandom(21);
        int d = 48;
        int n = 200;
        int m = 160;
        double level = 2e-3;
        int trials = 2500;
        int alarms = 0;
        for (int t = 0; t < trials; t++) {
            float[] reference = sparseRows(random, n, d);
            float[] window = sparseRows(random, m, d);
            if (new RffMmdTest(reference, n, d, 32, level, 100, 42L + t).test(window, m).decision() == Decision.DRIFT) {
                alarms++;
            }
        }
        // expected 5; P(Binomial(2500, 0.002) > 14) < 1e-3
        assertThat(alarms).isLessThanOrEqualTo(14);
    }

    private static float[] sparseRows(SplittableRandom random, int rows, int d) {
        float[] x = new float[rows * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextInt(2) == 0 ? 0f : (float) -Math.log(1 - random.nextDouble());
        }
        return x;
    }

    @Test
    void ksStatisticOfHandComputedSamples() {
        float[] a = {1, 2, 3, 4};
        float[] b = {3.5f, 5, 6, 7};
        assertThat(KolmogorovSmirnov.statistic(a, 0, 4, b, 0, 4)).isCloseTo(0.75, within(1e-12));
        float[] c = {1, 1, 2};
        float[] e = {1, 2, 2};
        assertThat(KolmogorovSmirnov.statistic(c, 0, 3, e, 0, 3)).isCloseTo(1.0 / 3, within(1e-12));
        float[] same = {1, 2, 3};
        assertThat(KolmogorovSmirnov.statistic(same, 0, 3, same, 0, 3)).isZero();
    }

    @Test
    void radixSortOrdersFloatsLikeArraysSort() {
        SplittableRandom random = new SplittableRandom(8);
        FloatRadixSort radix = new FloatRadixSort();
        for (int trial = 0; trial < 100; trial++) {
            int n = 1 + random.nextInt(300);
            float[] v = new float[n + 4];
            for (int i = 0; i < v.length; i++) {
                v[i] = trial % 2 == 0 ? random.nextInt(7) - 3 : (float) (RffMmdTest.gaussian(random) * 1e3);
            }
            v[2] = Float.NEGATIVE_INFINITY;
            v[3] = Float.MAX_VALUE;
            float[] expected = v.clone();
            java.util.Arrays.sort(expected, 2, n + 2);
            radix.sort(v, 2, n);
            assertThat(v).as("trial " + trial).containsExactly(expected);
        }
    }

    @Test
    void featureKsAgreesWithTheUnivariateTestFeatureByFeature() {
        SplittableRandom random = new SplittableRandom(9);
        float[] ref = gaussian(random, 300, 3, 0, -1);
        float[] cur = gaussian(random, 200, 3, 0.3, 1);
        FeatureKsTest test = new FeatureKsTest(ref, 300, 3, 0.05, MultipleTesting.BONFERRONI, 10);
        test.test(cur, 200);
        for (int j = 0; j < 3; j++) {
            double[] a = new double[300];
            double[] b = new double[200];
            for (int i = 0; i < 300; i++) {
                a[i] = ref[i * 3 + j];
            }
            for (int i = 0; i < 200; i++) {
                b[i] = cur[i * 3 + j];
            }
            DetectorResult single = KolmogorovSmirnov.test("ks", a, b, 0.05, 10);
            assertThat(test.lastStatistics()[j]).isCloseTo(single.statistic(), within(1e-12));
            assertThat(test.lastPValues()[j]).isCloseTo(single.pValue(), within(1e-12));
        }
    }

    @Test
    void univariateKsReportsTheAsymptoticPValueAndIgnoresNaN() {
        double[] ref = new double[200];
        double[] cur = new double[201];
        for (int i = 0; i < 200; i++) {
            ref[i] = i;
            cur[i] = i + 40;
        }
        cur[200] = Double.NaN;
        DetectorResult r = KolmogorovSmirnov.test("ks", ref, cur, 0.05, 20);
        assertThat(r.statistic()).isCloseTo(0.2, within(1e-12));
        assertThat(r.pValue()).isCloseTo(Distributions.ksTwoSamplePValue(0.2, 200, 200), within(1e-15));
        assertThat(r.decision()).isEqualTo(Decision.DRIFT);
        assertThat(KolmogorovSmirnov.test("ks", new double[] {1, 2}, cur, 0.05, 20).decision())
                .isEqualTo(Decision.INSUFFICIENT_DATA);
    }

    @Test
    void bonferroniAndBenjaminiHochbergCombineHandComputedPValues() {
        double[] scratch = new double[4];
        double[] p = {0.02, 0.021, 0.022, 0.023};
        assertThat(MultipleTesting.BONFERRONI.combine(p, 4, scratch)).isCloseTo(0.08, within(1e-12));
        assertThat(MultipleTesting.BENJAMINI_HOCHBERG.combine(p, 4, scratch)).isCloseTo(0.023, within(1e-12));
        double[] q = {0.5, 0.01, Double.NaN, 0.3};
        assertThat(MultipleTesting.BONFERRONI.combine(q, 4, scratch)).isCloseTo(0.03, within(1e-12));
        assertThat(MultipleTesting.parse("BH")).isEqualTo(MultipleTesting.BENJAMINI_HOCHBERG);
    }

    @Test
    void featureKsFindsTheOneShiftedFeatureAndStaysQuietWithoutShift() {
        SplittableRandom random = new SplittableRandom(1);
        float[] ref = gaussian(random, 1000, 20, 0, -1);
        FeatureKsTest test = new FeatureKsTest(ref, 1000, 20, 0.01, MultipleTesting.BONFERRONI, 50);
        DetectorResult quiet = test.test(gaussian(random, 500, 20, 0, -1), 500);
        assertThat(quiet.decision()).isEqualTo(Decision.STABLE);
        DetectorResult shifted = test.test(gaussian(random, 500, 20, 0.5, 7), 500);
        assertThat(shifted.decision()).isEqualTo(Decision.DRIFT);
        assertThat(shifted.feature()).isEqualTo(7);
        assertThat(shifted.pValue()).isLessThan(1e-6);
    }

    @Test
    void tooSmallWindowsAndNaNRowsGiveInsufficientDataNotAnAlarm() {
        SplittableRandom random = new SplittableRandom(2);
        float[] ref = gaussian(random, 500, 3, 0, -1);
        float[] cur = gaussian(random, 60, 3, 5, 0);
        for (int i = 0; i < 20; i++) {
            cur[i * 3 + 1] = Float.NaN;
        }
        for (WindowTest test : new WindowTest[] {
            new FeatureKsTest(ref, 500, 3, 0.01, MultipleTesting.BONFERRONI, 50),
            new RffMmdTest(ref, 500, 3, 16, 0.01, 50, 7),
            new PopulationStabilityIndex(ref, 500, 3, 10, 0.01, 0.1, 50)}) {
            assertThat(test.test(cur, 60).decision()).as(test.name()).isEqualTo(Decision.INSUFFICIENT_DATA);
            assertThat(test.test(cur, 60).drift()).isFalse();
        }
        FeatureKsTest tinyReference = new FeatureKsTest(gaussian(random, 10, 3, 0, -1), 10, 3, 0.01,
                MultipleTesting.BONFERRONI, 50);
        assertThat(tinyReference.test(gaussian(random, 500, 3, 5, 0), 500).decision())
                .isEqualTo(Decision.INSUFFICIENT_DATA);
    }

    @Test
    void mmdSeesACorrelationChangeThatLeavesEveryMarginalIntact() {
        SplittableRandom random = new SplittableRandom(3);
        float[] ref = gaussian(random, 1000, 2, 0, -1);
        float[] cur = gaussian(random, 1000, 2, 0, -1);
        for (int i = 0; i < 1000; i++) {
            cur[i * 2 + 1] = cur[i * 2];
        }
        RffMmdTest mmd = new RffMmdTest(ref, 1000, 2, 32, 0.001, 50, 11);
        FeatureKsTest ks = new FeatureKsTest(ref, 1000, 2, 0.001, MultipleTesting.BONFERRONI, 50);
        assertThat(mmd.test(cur, 1000).decision()).isEqualTo(Decision.DRIFT);
        assertThat(ks.test(cur, 1000).decision()).isEqualTo(Decision.STABLE);
    }

    @Test
    void mmdNeedsWindowsOfAtLeastFiveTimesItsRandomFeatures() {
        SplittableRandom random = new SplittableRandom(14);
        float[] ref = gaussian(random, 1000, 4, 0, -1);
        RffMmdTest mmd = new RffMmdTest(ref, 1000, 4, 32, 0.001, 50, 3);
        assertThat(mmd.test(gaussian(random, 159, 4, 3, 0), 159).decision()).isEqualTo(Decision.INSUFFICIENT_DATA);
        assertThat(mmd.test(gaussian(random, 160, 4, 3, 0), 160).decision()).isEqualTo(Decision.DRIFT);
    }

    @Test
    void mmdFalseAlarmRateIsCloseToAlphaUnderNoChange() {
        SplittableRandom random = new SplittableRandom(4);
        int trials = 200;
        int rejections = 0;
        for (int t = 0; t < trials; t++) {
            float[] ref = gaussian(random, 500, 5, 0, -1);
            RffMmdTest mmd = new RffMmdTest(ref, 500, 5, 16, 0.05, 50, t);
            if (mmd.test(gaussian(random, 500, 5, 0, -1), 500).drift()) {
                rejections++;
            }
        }
        // binomial(200, 0.05): mean 10, 99.9% interval about [2, 21]
        assertThat(rejections).isBetween(2, 21);
    }

    @Test
    void psiIsNearZeroWithoutShiftAndLargeWithOne() {
        SplittableRandom random = new SplittableRandom(5);
        float[] ref = gaussian(random, 2000, 4, 0, -1);
        PopulationStabilityIndex psi = new PopulationStabilityIndex(ref, 2000, 4, 10, 0.01, 0.1, 50);
        DetectorResult quiet = psi.test(gaussian(random, 2000, 4, 0, -1), 2000);
        assertThat(quiet.statistic()).isLessThan(0.05);
        assertThat(quiet.decision()).isEqualTo(Decision.STABLE);
        DetectorResult shifted = psi.test(gaussian(random, 2000, 4, 1.0, 2), 2000);
        assertThat(shifted.decision()).isEqualTo(Decision.DRIFT);
        assertThat(shifted.feature()).isEqualTo(2);
        // a unit mean shift of a normal gives PSI close to 1 on fine bins; ten decile bins see a bit less
        assertThat(shifted.statistic()).isBetween(0.6, 1.1);
    }

    @Test
    void permutationNullOfAValidTestIsRoughlyUniformAndNeverLoosensTheLevel() {
        SplittableRandom random = new SplittableRandom(12);
        float[] ref = gaussian(random, 1000, 3, 0, -1);
        double[] nullP = PermutationCalibration.nullPValues(ref, 1000, 3, 300,
                (r, n, d) -> new FeatureKsTest(r, n, d, 0.05, MultipleTesting.BONFERRONI, 50), 200, 1);
        assertThat(nullP).isSorted();
        // Bonferroni over 3 features is conservative: at most about 10% below 0.1
        assertThat(PermutationCalibration.empiricalSize(nullP, 0.1)).isBetween(0.02, 0.16);
        // a valid test is never loosened and, on one reference's permutations, tightened by a small factor at most
        assertThat(PermutationCalibration.calibratedLevel(nullP, 1e-4)).isBetween(2e-5, 1e-4);
        assertThat(PermutationCalibration.calibratedLevel(nullP, 0.05)).isBetween(0.005, 0.05);
    }

    @Test
    void permutationCalibrationTightensAnAntiConservativeTest() {
        // a deliberately invalid "test" whose p-value is uniform on (0, 0.5): twice too many small p-values
        SplittableRandom random = new SplittableRandom(13);
        WindowTest.Factory halved = (r, n, d) -> new WindowTest() {
            @Override
            public String name() {
                return "halved";
            }

            @Override
            public DetectorResult test(float[] rows, int count) {
                return new DetectorResult("halved", Decision.STABLE, 0, random.nextDouble() / 2, 0.05, -1);
            }
        };
        double[] nullP = PermutationCalibration.nullPValues(new float[100], 100, 1, 50, halved, 400, 2);
        assertThat(PermutationCalibration.empiricalSize(nullP, 0.05)).isBetween(0.06, 0.15);
        assertThat(PermutationCalibration.calibratedLevel(nullP, 0.05)).isBetween(0.015, 0.035);
        assertThat(PermutationCalibration.calibratedLevel(nullP, 1e-4)).isBetween(2e-5, 8e-5);
    }

    @Test
    void chiSquareOfAHandComputedTwoByTwoTable() {
        DetectorResult r = ChiSquareTest.test("chi2", new long[] {50, 50}, new long[] {30, 70}, 0.01, 10);
        assertThat(r.statistic()).isCloseTo(25.0 / 3, within(1e-12));
        assertThat(r.pValue()).isCloseTo(Distributions.chiSquareSurvival(25.0 / 3, 1), within(1e-15));
        assertThat(r.pValue()).isCloseTo(0.003892, within(1e-5));
        assertThat(r.decision()).isEqualTo(Decision.DRIFT);
        assertThat(r.feature()).isEqualTo(0);
        assertThat(ChiSquareTest.test("chi2", new long[] {5, 0, 0}, new long[] {5, 0, 0}, 0.01, 1).pValue())
                .isEqualTo(1.0);
        assertThat(ChiSquareTest.test("chi2", new long[] {5, 5}, new long[] {1, 1}, 0.01, 10).decision())
                .isEqualTo(Decision.INSUFFICIENT_DATA);
    }
}
