package io.perennial.learning.routing;

/**
 * Routing decisions for a batch.
 *
 * @param assignment index of the nearest regime per row
 * @param distances row-major {@code [n, K]} normalised squared Mahalanobis distances
 * @param regimes K
 * @param novelty distance to the nearest regime per row
 * @param novel whether the nearest distance exceeds that regime's novelty threshold
 */
public record Routing(int[] assignment, float[] distances, int regimes, float[] novelty, boolean[] novel) {

    /**
     * Soft-mixture weights {@code softmax(-d²/τ)} per row.
     *
     * @param temperature τ
     * @return row-major {@code [n, K]}
     */
    public float[] softWeights(double temperature) {
        float[] w = new float[distances.length];
        for (int off = 0; off < distances.length; off += regimes) {
            double min = Double.POSITIVE_INFINITY;
            for (int k = 0; k < regimes; k++) {
                min = Math.min(min, distances[off + k]);
            }
            double sum = 0;
            for (int k = 0; k < regimes; k++) {
                double e = Math.exp(-(distances[off + k] - min) / temperature);
                w[off + k] = (float) e;
                sum += e;
            }
            for (int k = 0; k < regimes; k++) {
                w[off + k] /= (float) sum;
            }
        }
        return w;
    }
}
