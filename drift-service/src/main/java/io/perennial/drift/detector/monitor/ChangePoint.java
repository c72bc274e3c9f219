package io.perennial.drift.detector.monitor;

/**
 * Where in a window a new regime most likely starts: the least-squares change point of the standardized values
 * \( z_i = (x_i - \mu_{ref})/\sigma_{ref} \) against a known pre-change mean,
 * \( \hat t = \arg\max_t \big(\sum_{i \ge t} z_i\big)^2 / (W - t) \), computed for the values (mean shift) and for
 * \( (z_i^2 - 1)/\sqrt 2 \) (variance shift), taking whichever explains more.
 */
public final class ChangePoint {

    private ChangePoint() {
    }

    /**
     * @param values the window, oldest first
     * @param count number of values
     * @return the index of the first value of the new regime (0 when the whole window looks changed)
     */
    public static int estimate(double[] values, int count, double referenceMean, double referenceSd) {
        if (count == 0) {
            return 0;
        }
        double sd = referenceSd > 0 && Double.isFinite(referenceSd) ? referenceSd : 1;
        double tailMean = 0;
        double tailVar = 0;
        double best = -1;
        int arg = 0;
        for (int t = count - 1; t >= 0; t--) {
            double z = (values[t] - referenceMean) / sd;
            if (!Double.isFinite(z)) {
                z = 0;
            }
            tailMean += z;
            tailVar += (z * z - 1) / Math.sqrt(2);
            int len = count - t;
            double score = Math.max(tailMean * tailMean, tailVar * tailVar) / len;
            if (score > best) {
                best = score;
                arg = t;
            }
        }
        return arg;
    }
}
