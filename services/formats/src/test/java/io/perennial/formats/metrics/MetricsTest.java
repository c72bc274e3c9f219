package io.perennial.formats.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MetricsTest {

    // Hand-checked 3-segment example.
    private static final double[][] R = {
        {0.90, 0.20, 0.10},
        {0.70, 0.80, 0.30},
        {0.60, 0.75, 0.85},
    };

    @Test
    void averageAccuracyBackwardTransferAndForgetting() {
        AccuracyMatrix m = AccuracyMatrix.of(R);
        // ACC = (0.60 + 0.75 + 0.85) / 3
        assertThat(m.averageAccuracy()).isCloseTo(2.20 / 3, within(1e-12));
        assertThat(m.averageAccuracyAfter(1)).isCloseTo(0.75, within(1e-12));
        // BWT = ((0.60 - 0.90) + (0.75 - 0.80)) / 2 = -0.175
        assertThat(m.backwardTransfer()).isCloseTo(-0.175, within(1e-12));
        // F: seg0 best of R[0][0], R[1][0] = 0.90 -> 0.30 ; seg1 best R[1][1] = 0.80 -> 0.05 ; mean 0.175
        assertThat(m.forgetting()).isCloseTo(0.175, within(1e-12));
        // FWT vs b = (-, 0.1, 0.1): ((0.20 - 0.1) + (0.30 - 0.1)) / 2 = 0.15
        assertThat(m.forwardTransfer(new double[] {0, 0.1, 0.1})).isCloseTo(0.15, within(1e-12));
    }

    @Test
    void forgettingUsesTheBestEarlierAccuracyNotTheDiagonal() {
        AccuracyMatrix m = AccuracyMatrix.of(new double[][] {{0.5, 0, 0}, {0.9, 0.8, 0}, {0.7, 0.8, 0.9}});
        // BWT = ((0.7 - 0.5) + (0.8 - 0.8)) / 2 = 0.1 ; F = ((0.9 - 0.7) + (0.8 - 0.8)) / 2 = 0.1
        assertThat(m.backwardTransfer()).isCloseTo(0.1, within(1e-12));
        assertThat(m.forgetting()).isCloseTo(0.1, within(1e-12));
        AccuracyMatrix single = AccuracyMatrix.of(new double[][] {{0.7}});
        assertThat(single.backwardTransfer()).isZero();
        assertThat(single.forgetting()).isZero();
    }

    @Test
    void accuracyMatrixRejectsMalformedInput() {
        assertThatThrownBy(() -> AccuracyMatrix.of(new double[][] {{0.5, 0.5}})).hasMessageContaining("must be square");
        assertThatThrownBy(() -> AccuracyMatrix.of(new double[][] {{1.5}})).hasMessageContaining("R[0][0] = 1.5");
        assertThatThrownBy(() -> AccuracyMatrix.of(new double[][] {{Double.NaN}})).hasMessageContaining("NaN");
        assertThatThrownBy(() -> AccuracyMatrix.of(new double[0][])).hasMessageContaining("empty");
    }

    @Test
    void flipRates() {
        int[] y = {0, 1, 2, 3, 4, 0, 1, 2, 3, 4};
        int[] old = {0, 1, 2, 3, 4, 1, 2, 3, 4, 0}; // 5 right
        int[] neu = {0, 1, 2, 9, 9, 0, 1, 3, 4, 0}; // keeps 3, breaks 2, fixes 2
        FlipRates f = FlipRates.compute(y, old, neu);
        assertThat(f.negative()).isCloseTo(0.2, within(1e-12));
        assertThat(f.positive()).isCloseTo(0.2, within(1e-12));
        assertThat(f.samples()).isEqualTo(10);
        assertThat(ClassificationMetrics.accuracy(y, neu) - ClassificationMetrics.accuracy(y, old))
                .isCloseTo(f.positive() - f.negative(), within(1e-12));
        assertThatThrownBy(() -> FlipRates.compute(new int[0], new int[0], new int[0])).hasMessageContaining("non-empty");
        assertThatThrownBy(() -> FlipRates.compute(y, old, new int[3])).hasMessageContaining("equally long");
    }

    @Test
    void expectedCalibrationError() {
        // Two bins. Bin 1 (conf <= 0.5): confs 0.3, 0.5, correct 1 of 2 -> |0.5 - 0.4| = 0.1, weight 2/5
        // Bin 2 (conf > 0.5): confs 0.9, 0.8, 0.7, correct 2 of 3 -> |0.6667 - 0.8| = 0.1333, weight 3/5
        double[] conf = {0.3, 0.5, 0.9, 0.8, 0.7};
        boolean[] ok = {true, false, true, true, false};
        double expected = 0.4 * 0.1 + 0.6 * Math.abs(2.0 / 3 - 0.8);
        assertThat(ClassificationMetrics.expectedCalibrationError(conf, ok, 2)).isCloseTo(expected, within(1e-12));
        // A perfectly calibrated single bin.
        assertThat(ClassificationMetrics.expectedCalibrationError(new double[] {1, 1}, new boolean[] {true, true}, 15)).isZero();
        float[][] probs = {{0.9f, 0.1f}, {0.4f, 0.6f}};
        // confidences 0.9 (right), 0.6 (wrong, label 0) in 10 bins: 0.5*|1-0.9| + 0.5*|0-0.6|
        assertThat(ClassificationMetrics.expectedCalibrationError(probs, new int[] {0, 0}, 10)).isCloseTo(0.35, within(1e-6));
    }

    @Test
    void confusionMatrix() {
        ConfusionMatrix c = ConfusionMatrix.of(3, new int[] {0, 0, 1, 1, 2, 2}, new int[] {0, 1, 1, 1, 0, 2});
        assertThat(c.count(0, 1)).isEqualTo(1);
        assertThat(c.count(1, 1)).isEqualTo(2);
        assertThat(c.accuracy()).isCloseTo(4.0 / 6, within(1e-12));
        assertThat(c.recall(0)).isCloseTo(0.5, within(1e-12));
        assertThat(c.precision(1)).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(c.total()).isEqualTo(6);
        assertThatThrownBy(() -> ConfusionMatrix.of(2, new int[] {3}, new int[] {0})).hasMessageContaining("outside [0, 2)");
    }
}
