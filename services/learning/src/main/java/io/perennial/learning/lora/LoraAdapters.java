package io.perennial.learning.lora;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import ai.djl.ndarray.NDArray;
import io.perennial.formats.spec.LinearLayerShape;
import io.perennial.learning.model.LayerDelta;
import io.perennial.learning.model.Network;

/**
 * Operations on adapters attached to one base: stacking several adapters and folding them into the base.
 */
public final class LoraAdapters {

    private LoraAdapters() {
    }

    /**
     * Returns a delta that sums the enabled adapters' contributions (all rows see all adapters).
     *
     * @param adapters adapters of the same base
     * @return the summed delta
     */
    public static LayerDelta stack(List<LoraAdapter> adapters) {
        return (layer, input) -> {
            NDArray sum = null;
            for (LoraAdapter ad : adapters) {
                @Nullable NDArray d = ad.apply(layer, input);
                if (d != null) {
                    sum = sum == null ? d : sum.add(d);
                }
            }
            return sum;
        };
    }

    /**
     * Checks that every adapter was trained on this base.
     *
     * @param base the base
     * @param adapters adapters
     * @throws IllegalArgumentException naming the adapter whose base differs
     */
    public static void requireSameBase(Network base, List<LoraAdapter> adapters) {
        String fp = base.fingerprint();
        for (LoraAdapter a : adapters) {
            if (!fp.equals(a.baseFingerprint())) {
                throw new IllegalArgumentException("adapter '" + a.name() + "' was trained on base " + a.baseFingerprint()
                        + ", not on " + fp);
            }
        }
    }

    /**
     * Folds adapters into a copy of the base: {@code W' = W + Σ ΔW}, exactly the function the base plus the
     * enabled adapters compute (up to float rounding).
     *
     * @param base the base (unchanged)
     * @param adapters enabled adapters to fold
     * @return a new network (close it)
     */
    public static Network fold(Network base, List<LoraAdapter> adapters) {
        requireSameBase(base, adapters);
        Map<String, double[][]> deltas = new LinkedHashMap<>();
        for (LoraAdapter a : adapters) {
            if (!a.isEnabled()) {
                continue;
            }
            for (String t : a.targets()) {
                double[][] d = a.deltaWeight(t);
                deltas.merge(t, d, LoraAdapters::addInto);
            }
        }
        return foldDeltas(base, deltas);
    }

    /**
     * Adds weight deltas to a copy of the base.
     *
     * @param base the base (unchanged)
     * @param deltas per layer {@code [out][in]}
     * @return a new network
     */
    public static Network foldDeltas(Network base, Map<String, double[][]> deltas) {
        Map<String, float[]> w = base.weights();
        for (Map.Entry<String, double[][]> e : deltas.entrySet()) {
            LinearLayerShape l = base.spec().linearLayer(e.getKey());
            double[][] d = e.getValue();
            if (d.length != l.out() || d[0].length != l.in()) {
                throw new IllegalArgumentException("shape mismatch: delta for layer '" + e.getKey() + "' is "
                        + d.length + "x" + d[0].length + ", layer is " + l.out() + "x" + l.in());
            }
            float[] wv = w.get(e.getKey() + ".weight");
            for (int o = 0; o < l.out(); o++) {
                for (int i = 0; i < l.in(); i++) {
                    wv[o * l.in() + i] += (float) d[o][i];
                }
            }
        }
        return Network.fromWeights(base.spec(), w);
    }

    private static double[][] addInto(double[][] x, double[][] y) {
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[i].length; j++) {
                x[i][j] += y[i][j];
            }
        }
        return x;
    }

    /**
     * Returns the names of adapters.
     *
     * @param adapters adapters
     * @return names
     */
    public static List<String> names(List<LoraAdapter> adapters) {
        List<String> out = new ArrayList<>();
        adapters.forEach(a -> out.add(a.name()));
        return out;
    }
}
