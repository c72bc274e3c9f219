package io.perennial.formats.metrics;

/**
 * Per-probe classification metrics: accuracy and expected calibration error.
 */
public final class ClassificationMetrics {

    private ClassificationMetrics() {
    }

    /**
     * Accuracy: {@code (1/n) Σ 1[ŷ_i = y_i]}.
     *
     * @param labels true labels
     * @param predictions predicted labels
     * @return accuracy in [0, 1]
     * @throws IllegalArgumentException if lengths differ or the arrays are empty
     */
    public static double accuracy(int[] labels, int[] predictions) {
        if (labels.length != predictions.length) {
            throw new IllegalArgumentException("accuracy needs equally long arrays: labels " + labels.length
                    + ", predictions " + predictions.length);
        }
        if (labels.length == 0) {
            throw new IllegalArgumentException("accuracy of an empty probe is undefined");
        }
        int ok = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == predictions[i]) {
                ok++;
            }
        }
        return (double) ok / labels.length;
    }

    /**
     * Expected calibration error with {@code M} equal-width confidence bins (Guo et al., "On Calibration
     * of Modern Neural Networks", ICML 2017, <a href="https://arxiv.org/abs/1706.04599">arXiv:1706.04599</a>):
     *
     * <pre>
     * ECE = Σ_{m=1}^{M} (|B_m| / n) · |acc(B_m) − conf(B_m)|
     * </pre>
     *
     * <p>where {@code B_m} holds the samples whose confidence (the top-class probability) falls in
     * {@code ((m-1)/M, m/M]} (bin 1 also takes confidence 0), {@code acc} is the bin's accuracy and
     * {@code conf} its mean confidence.
     *
     * @param confidences top-class probability per sample, in [0, 1]
     * @param correct whether each prediction was right
     * @param bins M, at least 1 (15 is common)
     * @return ECE in [0, 1]
     */
    public static double expectedCalibrationError(double[] confidences, boolean[] correct, int bins) {
        if (confidences.length != correct.length) {
            throw new IllegalArgumentException("ECE needs equally long arrays: confidences " + confidences.length
                    + ", correct " + correct.length);
        }
        if (confidences.length == 0) {
            throw new IllegalArgumentException("ECE of an empty probe is undefined");
        }
        if (bins < 1) {
            throw new IllegalArgumentException("ECE needs at least one bin, got " + bins);
        }
        double[] confSum = new double[bins];
        int[] okCount = new int[bins];
        int[] count = new int[bins];
        for (int i = 0; i < confidences.length; i++) {
            double c = confidences[i];
            if (!(c >= 0 && c <= 1)) {
                throw new IllegalArgumentException("confidence " + c + " at index " + i + " is not in [0, 1]");
            }
            int b = Math.max(0, (int) Math.ceil(c * bins) - 1);
            confSum[b] += c;
            count[b]++;
            if (correct[i]) {
                okCount[b]++;
            }
        }
        double ece = 0;
        for (int b = 0; b < bins; b++) {
            if (count[b] > 0) {
                ece += Math.abs((double) okCount[b] / count[b] - confSum[b] / count[b]) * count[b] / confidences.length;
            }
        }
        return ece;
    }

    /**
     * ECE from class probabilities: confidence is the largest probability, the prediction its arg-max.
     *
     * @param probabilities {@code n×C} probabilities
     * @param labels true labels
     * @param bins M
     * @return ECE in [0, 1]
     */
    public static double expectedCalibrationError(float[][] probabilities, int[] labels, int bins) {
        if (probabilities.length != labels.length) {
            throw new IllegalArgumentException("ECE needs one probability row per label: " + probabilities.length
                    + " rows, " + labels.length + " labels");
        }
        double[] conf = new double[labels.length];
        boolean[] ok = new boolean[labels.length];
        for (int i = 0; i < labels.length; i++) {
            int arg = 0;
            for (int c = 1; c < probabilities[i].length; c++) {
                if (probabilities[i][c] > probabilities[i][arg]) {
                    arg = c;
                }
            }
            conf[i] = Math.min(1.0, Math.max(0.0, probabilities[i][arg]));
            ok[i] = arg == labels[i];
        }
        return expectedCalibrationError(conf, ok, bins);
    }
}
