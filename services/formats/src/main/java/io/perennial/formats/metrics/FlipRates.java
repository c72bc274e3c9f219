package io.perennial.formats.metrics;

/**
 * Negative and positive flip rates between a serving model and a candidate on the same probe.
 *
 * <p>With labels {@code y}, old predictions {@code ŷ_old} and new predictions {@code ŷ_new} on {@code n}
 * samples (Yan et al., "Positive-Congruent Training", CVPR 2021,
 * <a href="https://arxiv.org/abs/2011.09161">arXiv:2011.09161</a>):
 *
 * <pre>
 * NFR = (1/n) Σ 1[ŷ_old = y ∧ ŷ_new ≠ y]      (regressions: samples the update broke)
 * PFR = (1/n) Σ 1[ŷ_old ≠ y ∧ ŷ_new = y]      (fixes)
 * </pre>
 *
 * <p>Accuracy changes by exactly {@code PFR − NFR}. The registry's promotion gate bounds NFR.
 *
 * @param negative NFR in [0, 1]
 * @param positive PFR in [0, 1]
 * @param samples n
 */
public record FlipRates(double negative, double positive, int samples) {

    /**
     * Computes flip rates.
     *
     * @param labels true labels
     * @param oldPredictions serving model's predictions
     * @param newPredictions candidate's predictions
     * @return the rates
     * @throws IllegalArgumentException if lengths differ or the probe is empty
     */
    public static FlipRates compute(int[] labels, int[] oldPredictions, int[] newPredictions) {
        if (labels.length != oldPredictions.length || labels.length != newPredictions.length) {
            throw new IllegalArgumentException("flip rates need equally long arrays: labels " + labels.length
                    + ", old " + oldPredictions.length + ", new " + newPredictions.length);
        }
        if (labels.length == 0) {
            throw new IllegalArgumentException("flip rates need a non-empty probe");
        }
        int neg = 0;
        int pos = 0;
        for (int i = 0; i < labels.length; i++) {
            boolean oldOk = oldPredictions[i] == labels[i];
            boolean newOk = newPredictions[i] == labels[i];
            if (oldOk && !newOk) {
                neg++;
            } else if (!oldOk && newOk) {
                pos++;
            }
        }
        return new FlipRates((double) neg / labels.length, (double) pos / labels.length, labels.length);
    }
}
