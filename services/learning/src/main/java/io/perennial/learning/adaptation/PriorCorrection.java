package io.perennial.learning.adaptation;

import java.util.Arrays;

import io.perennial.learning.routing.FeatureDescriptor;

/**
 * Saerens' prior correction: a model trained under priors \( \pi_t \) serves a regime whose priors are now
 * \( \pi_{new} \) by adding \( b_y = \log(\pi_{new,y}/\pi_{t,y}) \) to its logits, which multiplies the posterior by
 * \( \pi_{new,y}/\pi_{t,y} \) before the softmax renormalises (Bayes' rule with the new priors).
 */
public final class PriorCorrection {

    private PriorCorrection() {
    }

    /**
     * Validates and normalises new priors.
     *
     * @param regime regime name (for messages)
     * @param priors one value per class, finite and positive
     * @param classes C
     * @return priors summing to 1
     */
    public static double[] normalised(String regime, double[] priors, int classes) {
        if (priors.length != classes) {
            throw new IllegalArgumentException("priors for regime '" + regime + "' have " + priors.length + " values for " + classes
                    + " classes");
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            if (!(priors[c] > 0) || !Double.isFinite(priors[c])) {
                throw new IllegalArgumentException("prior of class " + c + " for regime '" + regime + "' is " + priors[c]
                        + ": every class needs a positive, finite prior (an empty class would get a -infinity logit)");
            }
            sum += priors[c];
        }
        double[] out = new double[classes];
        for (int c = 0; c < classes; c++) {
            out[c] = priors[c] / sum;
        }
        return out;
    }

    /**
     * Returns the regime's training class counts if a correction can use them.
     *
     * @param regime regime name
     * @param d its descriptor
     * @param classes C
     * @return the counts
     * @throws IllegalArgumentException when unknown or when a class is empty
     */
    public static int[] requireUsableTrainingCounts(String regime, FeatureDescriptor d, int classes) {
        int[] counts = d.classCounts();
        if (counts == null || counts.length != classes) {
            throw new IllegalArgumentException("regime '" + regime + "' has no recorded training priors (saved before they were "
                    + "kept): a prior correction needs them");
        }
        for (int c = 0; c < classes; c++) {
            if (counts[c] == 0) {
                throw new IllegalArgumentException("training prior of regime '" + regime + "' has an empty class " + c
                        + " (counts " + Arrays.toString(counts) + "): log(π_new/π_train) is undefined");
            }
        }
        return counts;
    }

    /**
     * The logit bias \( \log(\pi_{new}/\pi_t) \).
     *
     * @param newPriors validated priors
     * @param trainingCounts training counts (no zero)
     * @return one bias per class
     */
    public static float[] logitBias(double[] newPriors, int[] trainingCounts) {
        double[] pt = ClassPriors.normalise(trainingCounts);
        float[] b = new float[newPriors.length];
        for (int c = 0; c < b.length; c++) {
            b[c] = (float) Math.log(newPriors[c] / pt[c]);
        }
        return b;
    }
}
