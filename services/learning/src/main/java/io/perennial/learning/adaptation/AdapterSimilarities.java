package io.perennial.learning.adaptation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.perennial.learning.lora.LoraAdapter;
import io.perennial.learning.routing.FeatureDescriptor;
import io.perennial.learning.routing.RoutedModel;

/** Pairwise similarity of the active adapter regimes (what a merge decision needs). */
public final class AdapterSimilarities {

    private AdapterSimilarities() {
    }

    /**
     * Computes the similarity of every pair of active (routed, not archived) regimes that have an adapter.
     *
     * @param model routed model
     * @return one entry per pair, in router order
     */
    public static List<AdapterSimilarity> of(RoutedModel model) {
        Set<String> archived = model.router().archived();
        List<RoutedModel.Regime> active = new ArrayList<>();
        for (RoutedModel.Regime r : model.regimes()) {
            if (r.adapter() != null && !archived.contains(r.name())) {
                active.add(r);
            }
        }
        Map<String, FeatureDescriptor> desc = new HashMap<>();
        for (FeatureDescriptor d : model.router().descriptors()) {
            desc.put(d.name(), d);
        }
        Map<LoraAdapter, Map<String, double[][]>> deltas = new HashMap<>();
        List<AdapterSimilarity> out = new ArrayList<>();
        for (int i = 0; i < active.size(); i++) {
            for (int j = i + 1; j < active.size(); j++) {
                RoutedModel.Regime a = active.get(i);
                RoutedModel.Regime b = active.get(j);
                double cos = a.adapter() == b.adapter() ? 1.0
                        : deltaCosine(deltas.computeIfAbsent(a.adapter(), AdapterSimilarities::deltasOf),
                                deltas.computeIfAbsent(b.adapter(), AdapterSimilarities::deltasOf));
                out.add(new AdapterSimilarity(a.name(), b.name(), cos, descriptorDistance(desc.get(a.name()), desc.get(b.name()))));
            }
        }
        return out;
    }

    private static Map<String, double[][]> deltasOf(LoraAdapter a) {
        Map<String, double[][]> m = new HashMap<>();
        for (String layer : a.targets()) {
            m.put(layer, a.deltaWeight(layer));
        }
        return m;
    }

    /**
     * Cosine similarity of two adapters' deltas flattened over the union of their layers.
     *
     * @param a deltas of the first adapter by layer
     * @param b deltas of the second adapter by layer
     * @return cosine in [-1, 1] (0 when either is zero)
     */
    public static double deltaCosine(Map<String, double[][]> a, Map<String, double[][]> b) {
        Set<String> layers = new LinkedHashSet<>(a.keySet());
        layers.addAll(b.keySet());
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (String l : layers) {
            double[][] x = a.get(l);
            double[][] y = b.get(l);
            if (x != null) {
                na += squaredNorm(x);
            }
            if (y != null) {
                nb += squaredNorm(y);
            }
            if (x != null && y != null) {
                for (int r = 0; r < x.length; r++) {
                    for (int c = 0; c < x[r].length; c++) {
                        dot += x[r][c] * y[r][c];
                    }
                }
            }
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    private static double squaredNorm(double[][] x) {
        double s = 0;
        for (double[] row : x) {
            for (double v : row) {
                s += v * v;
            }
        }
        return s;
    }

    /**
     * Symmetric descriptor distance: half the sum of the mean distance of b's class means to a and of a's to b.
     *
     * @param a descriptor
     * @param b descriptor
     * @return distance (normalised squared Mahalanobis units)
     */
    public static double descriptorDistance(FeatureDescriptor a, FeatureDescriptor b) {
        return (meanDistanceOfMeans(a, b) + meanDistanceOfMeans(b, a)) / 2;
    }

    private static double meanDistanceOfMeans(FeatureDescriptor to, FeatureDescriptor from) {
        double s = 0;
        for (double[] m : from.means()) {
            s += to.distance(m);
        }
        return s / from.means().length;
    }
}
