package io.perennial.learning.merge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.perennial.formats.spec.AdapterConfig;
import io.perennial.formats.spec.LinearLayerShape;
import io.perennial.formats.spec.ModelFamilySpec;
import io.perennial.learning.lora.LoraAdapter;
import io.perennial.learning.lora.LoraAdapters;
import io.perennial.learning.model.Network;

/**
 * Merges LoRA adapters of one base: per target layer, the deltas {@code ΔW_t = (alpha_t/r_t)·B_t·A_t} are
 * combined with a {@link MergeMethod}; the result is folded into the base ({@link #foldInto}) or
 * re-factorised into a rank-r adapter by truncated SVD ({@link #refactorize}).
 */
public final class AdapterMerger {

    private AdapterMerger() {
    }

    /**
     * Merges adapter deltas layer by layer (a layer an adapter does not target contributes a zero delta).
     *
     * @param adapters adapters of one base
     * @param method method
     * @param options hyperparameters
     * @return merged delta per layer
     * @throws IllegalArgumentException if the adapters were trained on different bases
     */
    public static Map<String, double[][]> mergeDeltas(List<LoraAdapter> adapters, MergeMethod method, MergeOptions options) {
        if (adapters.isEmpty()) {
            throw new IllegalArgumentException("nothing to merge: no adapters");
        }
        LoraAdapter first = adapters.get(0);
        for (LoraAdapter a : adapters) {
            if (!a.baseFingerprint().equals(first.baseFingerprint()) || !a.spec().equals(first.spec())) {
                throw new IllegalArgumentException("cannot merge adapters of different bases: '" + first.name() + "' ("
                        + first.baseFingerprint() + ") and '" + a.name() + "' (" + a.baseFingerprint() + ")");
            }
        }
        ModelFamilySpec spec = first.spec();
        Set<String> layers = new LinkedHashSet<>();
        for (LinearLayerShape l : spec.linearLayers()) {
            for (LoraAdapter a : adapters) {
                if (a.targets().contains(l.name())) {
                    layers.add(l.name());
                }
            }
        }
        Map<String, double[][]> out = new LinkedHashMap<>();
        for (String layer : layers) {
            LinearLayerShape l = spec.linearLayer(layer);
            List<double[][]> deltas = new ArrayList<>();
            for (LoraAdapter a : adapters) {
                deltas.add(a.targets().contains(layer) ? a.deltaWeight(layer) : new double[l.out()][l.in()]);
            }
            out.put(layer, DeltaMerging.merge(deltas, method, options));
        }
        return out;
    }

    /**
     * Folds merged deltas into a copy of the base.
     *
     * @param base the base the adapters were trained on
     * @param adapters adapters (checked against the base)
     * @param method method
     * @param options hyperparameters
     * @return the merged network (close it)
     */
    public static Network foldInto(Network base, List<LoraAdapter> adapters, MergeMethod method, MergeOptions options) {
        LoraAdapters.requireSameBase(base, adapters);
        return LoraAdapters.foldDeltas(base, mergeDeltas(adapters, method, options));
    }

    /**
     * Re-factorises merged deltas into one rank-r adapter: {@code B = U_r Σ_r / s}, {@code A = V_rᵀ} with
     * {@code s = alpha/r}, so {@code s·B·A} is the best rank-r approximation of the merged delta.
     *
     * @param name the new adapter's name
     * @param base the base (checked against the adapters)
     * @param adapters adapters
     * @param method method
     * @param options hyperparameters
     * @param r rank of the result
     * @param alpha α of the result
     * @return the merged adapter (close it)
     */
    public static LoraAdapter refactorize(String name, Network base, List<LoraAdapter> adapters, MergeMethod method,
            MergeOptions options, int r, double alpha) {
        LoraAdapters.requireSameBase(base, adapters);
        Map<String, double[][]> merged = mergeDeltas(adapters, method, options);
        AdapterConfig cfg = AdapterConfig.of(r, alpha, new ArrayList<>(merged.keySet()), base.fingerprint());
        return fromDeltas(name, base.spec(), cfg, merged);
    }

    /**
     * Builds an adapter whose {@code ΔW} per layer is the rank-r truncation of the given deltas.
     *
     * @param name adapter name
     * @param spec family
     * @param cfg config (rank, α, targets = the delta layers)
     * @param deltas per layer {@code [out][in]}
     * @return the adapter
     */
    public static LoraAdapter fromDeltas(String name, ModelFamilySpec spec, AdapterConfig cfg, Map<String, double[][]> deltas) {
        cfg.validateAgainst(spec);
        int r = cfg.r();
        double s = cfg.scaling();
        Map<String, float[]> as = new LinkedHashMap<>();
        Map<String, float[]> bs = new LinkedHashMap<>();
        for (Map.Entry<String, double[][]> e : deltas.entrySet()) {
            LinearLayerShape l = spec.linearLayer(e.getKey());
            TruncatedSvd svd = TruncatedSvd.of(e.getValue(), r);
            float[] a = new float[r * l.in()];
            float[] b = new float[l.out() * r];
            for (int c = 0; c < r; c++) {
                for (int i = 0; i < l.in(); i++) {
                    a[c * l.in() + i] = (float) svd.v()[i][c];
                }
                for (int o = 0; o < l.out(); o++) {
                    b[o * r + c] = (float) (svd.u()[o][c] * svd.sigma()[c] / s);
                }
            }
            as.put(e.getKey(), a);
            bs.put(e.getKey(), b);
        }
        return LoraAdapter.fromWeights(name, spec, cfg, as, bs);
    }
}
