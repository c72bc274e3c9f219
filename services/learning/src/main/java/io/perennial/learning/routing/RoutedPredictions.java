package io.perennial.learning.routing;

import io.perennial.learning.evaluation.Predictions;

/**
 * Predictions of a routed model with the routing decision of each row.
 *
 * @param predictions classes and probabilities
 * @param regimes regime names, indexed by {@link #regime}
 * @param regime index of the regime (adapter) each row was routed to (nearest regime in soft mode)
 * @param novelty normalised distance to the nearest regime per row
 * @param novel whether each row is unlike every known regime
 */
public record RoutedPredictions(Predictions predictions, java.util.List<String> regimes, int[] regime, float[] novelty, boolean[] novel) {

    /**
     * Returns the regime name of a row.
     *
     * @param row row
     * @return regime name
     */
    public String regimeOf(int row) {
        return regimes.get(regime[row]);
    }
}
