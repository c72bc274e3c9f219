package io.perennial.drift.detector.window;

import io.perennial.drift.detector.Decision;
import io.perennial.drift.detector.DetectorResult;
import io.perennial.drift.detector.stats.Distributions;

/**
 * Pearson's chi-square test of homogeneity between two count vectors over the same categories (labels, predicted
 * classes, categorical values): \( X^2 = \sum_{s\in\{r,c\}}\sum_k (O_{sk} - E_{sk})^2/E_{sk} \) with
 * \( E_{sk} = N_s\,T_k/N \), on \( K'-1 \) degrees of freedom where \( K' \) counts the categories seen in either
 * window.
 */
public final class ChiSquareTest {

    private ChiSquareTest() {
    }

    /** Tests two count vectors of equal length; fewer than {@code minSamples} in either window is insufficient. */
    public static DetectorResult test(String name, long[] reference, long[] current, double alpha, int minSamples) {
        if (reference.length != current.length) {
            throw new IllegalArgumentException("count vectors differ in length");
        }
        long n = 0;
        long m = 0;
        for (int k = 0; k < reference.length; k++) {
            n += reference[k];
            m += current[k];
        }
        if (n < minSamples || m < minSamples) {
            return DetectorResult.insufficient(name, alpha);
        }
        double total = n + m;
        double x2 = 0;
        int used = 0;
        int argMax = -1;
        double maxContribution = -1;
        for (int k = 0; k < reference.length; k++) {
            long t = reference[k] + current[k];
            if (t == 0) {
                continue;
            }
            used++;
            double er = n * (double) t / total;
            double ec = m * (double) t / total;
            double contribution = (reference[k] - er) * (reference[k] - er) / er
                    + (current[k] - ec) * (current[k] - ec) / ec;
            x2 += contribution;
            if (contribution > maxContribution) {
                maxContribution = contribution;
                argMax = k;
            }
        }
        if (used < 2) {
            return new DetectorResult(name, Decision.STABLE, 0, 1, alpha, argMax);
        }
        double p = Distributions.chiSquareSurvival(x2, used - 1);
        return new DetectorResult(name, p <= alpha ? Decision.DRIFT : Decision.STABLE, x2, p, alpha, argMax);
    }
}
