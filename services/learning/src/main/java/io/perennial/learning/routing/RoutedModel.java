package io.perennial.learning.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.perennial.formats.spec.LinearLayerShape;
import io.perennial.learning.data.LabeledData;
import io.perennial.learning.evaluation.Evaluator;
import io.perennial.learning.evaluation.Predictions;
import io.perennial.learning.lora.LoraAdapter;
import io.perennial.learning.model.LayerDelta;
import io.perennial.learning.model.Network;

/**
 * A frozen base with one adapter per regime and a router: Perennial's default serving model.
 *
 * <p>Per batch: the trunk ({@code h0}, {@code z1 = h0·W1ᵀ + b1}) is computed once; the base's penultimate
 * features feed the router; in {@link RoutingMode#HARD} mode rows are reordered so each adapter's rows are
 * contiguous, and the linear stack runs once over the whole batch, every layer adding each group's
 * low-rank term {@code s·(x_g A_gᵀ) B_gᵀ} to its slice. The base regime (index 0 by convention) has no
 * adapter. {@link #predictPerAdapter} is the naive alternative (a separate full pass per adapter), kept
 * for the benchmark.
 */
public final class RoutedModel {

    /**
     * A routed regime.
     *
     * @param name regime name (the router descriptor's name)
     * @param adapter its adapter, or null for the base regime
     */
    public record Regime(String name, @Nullable LoraAdapter adapter) {
    }

    private final Network base;
    private final AdapterRouter router;
    private final List<Regime> regimes = new ArrayList<>();
    private final java.util.Map<String, float[]> logitBias = new java.util.LinkedHashMap<>();

    /**
     * Creates a routed model.
     *
     * @param base frozen base
     * @param router router (regimes added through {@link #addRegime})
     */
    public RoutedModel(Network base, AdapterRouter router) {
        this.base = base;
        this.router = router;
    }

    /** Returns the base. */
    public Network base() {
        return base;
    }

    /** Returns the router. */
    public AdapterRouter router() {
        return router;
    }

    /** Returns the regimes in router order. */
    public List<Regime> regimes() {
        return Collections.unmodifiableList(regimes);
    }

    /**
     * Adds a regime: fits its descriptor on the base features of {@code window} and attaches its adapter.
     *
     * @param name regime name
     * @param adapter adapter, or null for the base regime
     * @param window the regime's training window
     */
    public synchronized void addRegime(String name, @Nullable LoraAdapter adapter, LabeledData window) {
        if (window.isEmpty()) {
            throw new IllegalArgumentException("empty segment: regime '" + name + "' has no samples to describe it");
        }
        if (adapter != null && !adapter.baseFingerprint().equals(base.fingerprint())) {
            throw new IllegalArgumentException("adapter '" + adapter.name() + "' was trained on base " + adapter.baseFingerprint()
                    + ", not on this model's base " + base.fingerprint());
        }
        router.addRegime(name, baseFeatures(base, window), window.labels(), window.classes());
        regimes.add(new Regime(name, adapter));
    }

    /**
     * Attaches a regime whose descriptor is already in the router (after loading).
     *
     * @param name regime name present in the router
     * @param adapter adapter or null
     */
    public synchronized void attach(String name, @Nullable LoraAdapter adapter) {
        if (!router.regimeNames().contains(name)) {
            throw new IllegalArgumentException("router has no regime '" + name + "'");
        }
        regimes.add(new Regime(name, adapter));
    }

    /**
     * Serves an existing regime with another adapter (for example a merge of several regimes' adapters); the regime's
     * descriptor stays, so routing is unchanged.
     *
     * @param name regime name
     * @param adapter the adapter that now serves it
     */
    public synchronized void replaceAdapter(String name, LoraAdapter adapter) {
        if (!adapter.baseFingerprint().equals(base.fingerprint())) {
            throw new IllegalArgumentException("adapter '" + adapter.name() + "' was trained on base "
                    + adapter.baseFingerprint() + ", not on this model's base " + base.fingerprint());
        }
        for (int i = 0; i < regimes.size(); i++) {
            if (regimes.get(i).name().equals(name)) {
                regimes.set(i, new Regime(name, adapter));
                return;
            }
        }
        throw new IllegalArgumentException("no regime '" + name + "'");
    }

    /**
     * Sets (or, with null, clears) a per-class logit bias added to the logits of the rows routed to a regime (a prior
     * correction).
     *
     * @param name regime name
     * @param bias one value per class, or null
     */
    public synchronized void setLogitBias(String name, float @Nullable [] bias) {
        if (!router.regimeNames().contains(name)) {
            throw new IllegalArgumentException("no regime '" + name + "'");
        }
        if (bias == null) {
            logitBias.remove(name);
            return;
        }
        if (bias.length != base.spec().classes()) {
            throw new IllegalArgumentException("logit bias of regime '" + name + "' has " + bias.length + " values for "
                    + base.spec().classes() + " classes");
        }
        logitBias.put(name, bias.clone());
    }

    /**
     * Routes a batch as if every known regime, archived ones included, were routed.
     *
     * @param data samples
     * @return the decisions (distances to every regime, nearest regime per row)
     */
    public synchronized Routing routeAll(LabeledData data) {
        int kk = router.descriptors().size();
        int n = data.size();
        int d = data.featureSize();
        int[] assign = new int[n];
        float[] dist = new float[n * kk];
        float[] novelty = new float[n];
        boolean[] novel = new boolean[n];
        try (NDManager m = base.manager().newSubManager()) {
            for (int from = 0; from < n; from += Evaluator.BATCH) {
                int to = Math.min(n, from + Evaluator.BATCH);
                try (NDScope scope = new NDScope()) {
                    NDArray x = base.toInput(m, Arrays.copyOfRange(data.features(), from * d, to * d), to - from);
                    Routing r = router.route(base.forward(x, LayerDelta.NONE).features(), true);
                    System.arraycopy(r.assignment(), 0, assign, from, to - from);
                    System.arraycopy(r.distances(), 0, dist, from * kk, (to - from) * kk);
                    System.arraycopy(r.novelty(), 0, novelty, from, to - from);
                    System.arraycopy(r.novel(), 0, novel, from, to - from);
                }
            }
        }
        return new Routing(assign, dist, kk, novelty, novel);
    }

    /**
     * Removes a regime and its descriptor.
     *
     * @param name regime name
     */
    public synchronized void removeRegime(String name) {
        router.removeRegime(name);
        logitBias.remove(name);
        regimes.removeIf(r -> r.name().equals(name));
    }

    /**
     * Computes the base's penultimate features.
     *
     * @param net base
     * @param data samples
     * @return row-major {@code [n, D]}
     */
    public static float[] baseFeatures(Network net, LabeledData data) {
        int d = data.featureSize();
        List<float[]> parts = new ArrayList<>();
        int total = 0;
        try (NDManager m = net.manager().newSubManager()) {
            for (int from = 0; from < data.size(); from += Evaluator.BATCH) {
                int to = Math.min(data.size(), from + Evaluator.BATCH);
                try (NDScope scope = new NDScope()) {
                    NDArray x = net.toInput(m, Arrays.copyOfRange(data.features(), from * d, to * d), to - from);
                    float[] f = net.forward(x, LayerDelta.NONE).features().toFloatArray();
                    parts.add(f);
                    total += f.length;
                }
            }
        }
        float[] out = new float[total];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /**
     * Predicts with routing, grouping rows by adapter.
     *
     * @param data samples (labels unused)
     * @param mode hard or soft routing
     * @return predictions with routing decisions
     */
    public RoutedPredictions predict(LabeledData data, RoutingMode mode) {
        return run(data, mode, false, null);
    }

    /**
     * Computes routed logits (hard routing, grouped), for example as a distillation teacher.
     *
     * @param data samples
     * @return row-major {@code [n, C]}
     */
    public float[] logits(LabeledData data) {
        float[][] holder = new float[1][];
        run(data, RoutingMode.HARD, false, holder);
        return holder[0];
    }

    /**
     * Predicts with hard routing, running a separate full forward pass for each adapter's rows (the
     * naive alternative to grouping; same results, for benchmarking).
     *
     * @param data samples
     * @return predictions
     */
    public RoutedPredictions predictPerAdapter(LabeledData data) {
        return run(data, RoutingMode.HARD, true, null);
    }

    private synchronized RoutedPredictions run(LabeledData data, RoutingMode mode, boolean perAdapter, float @Nullable [] @Nullable [] logitsOut) {
        if (regimes.isEmpty()) {
            throw new IllegalStateException("routed model has no regimes");
        }
        int c = base.spec().classes();
        int d = data.featureSize();
        int n = data.size();
        float[] logits = new float[n * c];
        int[] assign = new int[n];
        float[] novelty = new float[n];
        boolean[] novel = new boolean[n];
        try (NDManager m = base.manager().newSubManager()) {
            for (int from = 0; from < n; from += Evaluator.BATCH) {
                int to = Math.min(n, from + Evaluator.BATCH);
                int rows = to - from;
                try (NDScope scope = new NDScope()) {
                    NDArray x = base.toInput(m, Arrays.copyOfRange(data.features(), from * d, to * d), rows);
                    Network.Trunk trunk = base.trunk(x);
                    NDArray feats = base.forward(trunk, LayerDelta.NONE).features();
                    Routing r = router.route(feats);
                    System.arraycopy(r.assignment(), 0, assign, from, rows);
                    System.arraycopy(r.novelty(), 0, novelty, from, rows);
                    System.arraycopy(r.novel(), 0, novel, from, rows);
                    float[] out;
                    if (mode == RoutingMode.SOFT) {
                        NDArray w = m.create(r.softWeights(router.config().temperature()), new Shape(rows, regimes.size()));
                        out = base.forward(trunk, new MixtureDelta(w)).logits().toFloatArray();
                    } else if (perAdapter) {
                        out = perAdapterLogits(m, x, r.assignment(), rows);
                    } else {
                        out = groupedLogits(m, trunk, r.assignment(), rows);
                    }
                    System.arraycopy(out, 0, logits, from * c, out.length);
                }
            }
        }
        addLogitBias(logits, assign, c);
        if (logitsOut != null) {
            logitsOut[0] = logits;
        }
        Predictions p = Predictions.fromLogits(logits, c);
        return new RoutedPredictions(p, router.regimeNames(), assign, novelty, novel);
    }

    // Prior correction: rows routed to a regime with a bias get log(π_new/π_train) added to their logits.
    private void addLogitBias(float[] logits, int[] assign, int c) {
        if (logitBias.isEmpty()) {
            return;
        }
        List<String> names = router.regimeNames();
        float[][] byIndex = new float[names.size()][];
        for (int k = 0; k < names.size(); k++) {
            byIndex[k] = logitBias.get(names.get(k));
        }
        for (int i = 0; i < assign.length; i++) {
            float[] b = byIndex[assign[i]];
            if (b != null) {
                for (int j = 0; j < c; j++) {
                    logits[i * c + j] += b[j];
                }
            }
        }
    }

    private float[] groupedLogits(NDManager m, Network.Trunk trunk, int[] assignment, int rows) {
        int k = regimes.size();
        int[] counts = new int[k];
        for (int a : assignment) {
            counts[a]++;
        }
        int[] start = new int[k + 1];
        for (int g = 0; g < k; g++) {
            start[g + 1] = start[g] + counts[g];
        }
        int[] order = new int[rows];
        int[] fill = start.clone();
        for (int i = 0; i < rows; i++) {
            order[fill[assignment[i]]++] = i;
        }
        boolean single = false;
        for (int g = 0; g < k; g++) {
            if (counts[g] == rows) {
                single = true;
            }
        }
        Network.Trunk sorted = trunk;
        if (!single) {
            NDArray idx = m.create(toLong(order));
            NDIndex take = new NDIndex("{}", idx);
            sorted = new Network.Trunk(trunk.h0().get(take), trunk.z1().get(take));
        }
        float[] sortedLogits = base.forward(sorted, new GroupedDelta(start)).logits().toFloatArray();
        if (single) {
            return sortedLogits;
        }
        int c = base.spec().classes();
        float[] out = new float[sortedLogits.length];
        for (int pos = 0; pos < rows; pos++) {
            System.arraycopy(sortedLogits, pos * c, out, order[pos] * c, c);
        }
        return out;
    }

    private float[] perAdapterLogits(NDManager m, NDArray x, int[] assignment, int rows) {
        int c = base.spec().classes();
        float[] out = new float[rows * c];
        for (int g = 0; g < regimes.size(); g++) {
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < rows; i++) {
                if (assignment[i] == g) {
                    idx.add(i);
                }
            }
            if (idx.isEmpty()) {
                continue;
            }
            long[] li = idx.stream().mapToLong(Integer::longValue).toArray();
            NDArray xg = x.get(new NDIndex("{}", m.create(li)));
            LoraAdapter a = regimes.get(g).adapter();
            float[] l = base.logits(xg, a == null ? LayerDelta.NONE : a).toFloatArray();
            for (int j = 0; j < li.length; j++) {
                System.arraycopy(l, j * c, out, (int) li[j] * c, c);
            }
        }
        return out;
    }

    /** Adds each contiguous group's adapter term to its slice of rows. */
    private final class GroupedDelta implements LayerDelta {
        private final int[] start;

        GroupedDelta(int[] start) {
            this.start = start;
        }

        @Override
        public @Nullable NDArray apply(String layer, NDArray input) {
            boolean any = false;
            for (int g = 0; g < regimes.size(); g++) {
                LoraAdapter a = regimes.get(g).adapter();
                if (start[g + 1] > start[g] && a != null && a.isEnabled() && a.targets().contains(layer)) {
                    any = true;
                }
            }
            if (!any) {
                return null;
            }
            LinearLayerShape l = base.spec().linearLayer(layer);
            List<NDArray> pieces = new ArrayList<>();
            for (int g = 0; g < regimes.size(); g++) {
                int len = start[g + 1] - start[g];
                if (len == 0) {
                    continue;
                }
                LoraAdapter a = regimes.get(g).adapter();
                NDArray piece = null;
                if (a != null) {
                    piece = a.apply(layer, input.get(new NDIndex("{}:{}", start[g], start[g + 1])));
                }
                pieces.add(piece != null ? piece : input.getManager().zeros(new Shape(len, l.out()), input.getDataType(), input.getDevice()));
            }
            return Network.concatRows(pieces);
        }
    }

    /** Mixes every adapter's term with per-row weights. */
    private final class MixtureDelta implements LayerDelta {
        private final NDArray weights;

        MixtureDelta(NDArray weights) {
            this.weights = weights;
        }

        @Override
        public @Nullable NDArray apply(String layer, NDArray input) {
            NDArray sum = null;
            for (int g = 0; g < regimes.size(); g++) {
                LoraAdapter a = regimes.get(g).adapter();
                if (a == null) {
                    continue;
                }
                NDArray d = a.apply(layer, input);
                if (d == null) {
                    continue;
                }
                NDArray term = d.mul(weights.get(new NDIndex(":, {}:{}", g, g + 1)));
                sum = sum == null ? term : sum.add(term);
            }
            return sum;
        }
    }

    private static long[] toLong(int[] v) {
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    /**
     * Returns the adapter of a regime.
     *
     * @param name regime name
     * @return adapter or null
     */
    public @Nullable LoraAdapter adapterOf(String name) {
        for (Regime r : regimes) {
            if (r.name().equals(name)) {
                return r.adapter();
            }
        }
        throw new IllegalArgumentException("no regime '" + name + "'");
    }

    static String describe(List<Regime> regimes) {
        return regimes.stream().map(r -> r.name() + "->" + (r.adapter() == null ? "base" : Objects.requireNonNull(r.adapter()).name())).toList().toString();
    }
}
