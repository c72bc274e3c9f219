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
        boolean meanShift = true;
        for (int t = count - 1; t >= 0; t--) {
            double z = z(values[t], referenceMean, sd);
            tailMean += z;
            tailVar += (z * z - 1) / Math.sqrt(2);
            int len = count - t;
            double meanScore = tailMean * tailMean / len;
            double varScore = tailVar * tailVar / len;
            double score = Math.max(meanScore, varScore);
            if (score > best) {
                best = score;
                arg = t;
                meanShift = meanScore >= varScore;
            }
        }
        double mu = 0;
        double v = 0;
        for (int t = arg; t < count; t++) {
            double z = z(values[t], referenceMean, sd);
            mu += z;
            v += z * z;
        }
        mu /= count - arg;
        v /= count - arg;
        while (arg < count - 1) {
            double z = z(values[arg], referenceMean, sd);
            boolean old;
            if (meanShift) {
                old = Math.abs(z - mu) > Math.abs(z);
            } else {
                // N(0, v) against N(0, 1): the new regime is likelier when z^2 (1 - 1/v) > ln v
                old = v > 0 && z * z * (1 - 1 / v) <= Math.log(v);
            }
            if (!old) {
                break;
            }
            arg++;
        }
        return arg;
    }

    private static double z(double x, double mean, double sd) {
        double z = (x - mean) / sd;
        return Double.isFinite(z) ? z : 0;
    }
}
