package io.perennial.learning.adaptation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class ClassPriorsTest {

    @Test
    void oneSidedKsMatchesTheHandComputedStatistic() {
        // window {3, 4} entirely above reference {1, 2}: D+ = 1, n = m = 2 -> p = exp(-2 * 1 * 1) = e^-2
        assertThat(OneSidedKs.pValue(new double[] {3, 4}, new double[] {1, 2}, new double[] {1, 1})).isCloseTo(Math.exp(-2), within(1e-12));
        // entirely below: no evidence against the reference in the tested direction
        assertThat(OneSidedKs.pValue(new double[] {0, 0.5}, new double[] {1, 2}, new double[] {1, 1})).isEqualTo(1.0);
        // weights: reference {1 (w 3), 5 (w 1)}, window {2}: G(2) = 0.75, F(2) = 1 -> D+ at t=1: 0.75 - 0 = 0.75;
        // m_eff = 16 / 10 = 1.6, n_e = 1.6 / 2.6
        double ne = 1.6 / 2.6;
        assertThat(OneSidedKs.pValue(new double[] {2}, new double[] {1, 5}, new double[] {3, 1}))
                .isCloseTo(Math.exp(-2 * 0.75 * 0.75 * ne), within(1e-12));
        assertThat(OneSidedKs.pValue(new double[0], new double[] {1}, new double[] {1})).isNaN();
    }

    @Test
    void saerensEmRecoversShiftedPriorsFromPosteriors() {
        // three 1-D Gaussian classes at -2, 0, 2 (sd 1); the classifier's posteriors assume the training priors (1/3 each)
        double[] train = {1.0 / 3, 1.0 / 3, 1.0 / 3};
        double[] truth = {0.6, 0.3, 0.1};
        int n = 4000;
        float[] probs = new float[n * 3];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble();
            int c = u < truth[0] ? 0 : u < truth[0] + truth[1] ? 1 : 2;
            double x = (c - 1) * 2 + r.nextGaussian();
            double sum = 0;
            double[] lik = new double[3];
            for (int k = 0; k < 3; k++) {
                lik[k] = train[k] * Math.exp(-0.5 * Math.pow(x - (k - 1) * 2, 2));
                sum += lik[k];
            }
            for (int k = 0; k < 3; k++) {
                probs[i * 3 + k] = (float) (lik[k] / sum);
            }
        }
        double[] em = ClassPriors.saerensEm(probs, 3, train);
        // the naive estimate (mean posterior) is pulled towards the training priors; EM is not
        double[] naive = new double[3];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 3; k++) {
                naive[k] += probs[i * 3 + k] / n;
            }
        }
        for (int k = 0; k < 3; k++) {
            assertThat(em[k]).isCloseTo(truth[k], within(0.03));
        }
        assertThat(Math.abs(naive[0] - truth[0])).isGreaterThan(Math.abs(em[0] - truth[0]) + 0.03);
        assertThat(ClassPriors.totalVariation(em, train)).isCloseTo(ClassPriors.totalVariation(truth, train), within(0.03));
    }

    @Test
    void gTestSeparatesASameDistributionFromAShiftedOne() {
        long[] training = {250, 250, 250, 250};
        assertThat(ClassPriors.shiftPValue(new long[] {52, 47, 50, 51}, training)).isGreaterThan(0.5);
        assertThat(ClassPriors.shiftPValue(new long[] {110, 50, 30, 10}, training)).isLessThan(1e-6);
        // classes absent from both are left out; a single remaining class gives no test
        assertThat(ClassPriors.shiftPValue(new long[] {10, 0, 0}, new long[] {20, 0, 0})).isNaN();
        assertThat(ClassPriors.totalVariation(new double[] {0.5, 0.5}, new double[] {1, 0})).isEqualTo(0.5);
        assertThat(ClassPriors.labelsSuffice(80, 100)).isTrue();
        assertThat(ClassPriors.labelsSuffice(79, 100)).isFalse();
    }

    @Test
    void priorCorrectionBiasIsTheLogRatio() {
        float[] b = PriorCorrection.logitBias(new double[] {0.5, 0.25, 0.25}, new int[] {10, 20, 10});
        assertThat((double) b[0]).isCloseTo(Math.log(0.5 / 0.25), within(1e-6));
        assertThat((double) b[1]).isCloseTo(Math.log(0.25 / 0.5), within(1e-6));
        assertThat((double) b[2]).isCloseTo(0.0, within(1e-6));
        assertThat(PriorCorrection.normalised("r", new double[] {2, 1, 1}, 3)).containsExactly(0.5, 0.25, 0.25);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PriorCorrection.normalised("r", new double[] {1, 0, 1}, 3))
                .hasMessageContaining("class 1");
    }
}
