package io.perennial.learning.lora;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

import org.jspecify.annotations.Nullable;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.perennial.formats.spec.AdapterConfig;
import io.perennial.formats.spec.LinearLayerShape;
import io.perennial.formats.spec.ModelFamilySpec;
import io.perennial.learning.device.Devices;
import io.perennial.learning.model.LayerDelta;
import io.perennial.learning.model.Network;

/**
 * A LoRA adapter (Hu et al. 2021, <a href="https://arxiv.org/abs/2106.09685">arXiv:2106.09685</a>) for a
 * frozen base network.
 *
 * <p>For each target linear layer {@code W ∈ ℝ^{out×in}} it holds {@code A ∈ ℝ^{r×in}} and
 * {@code B ∈ ℝ^{out×r}}; the layer computes \( z = xW^\top + b + s\,(xA^\top)B^\top \) with
 * {@code s = alpha/r}, i.e. the weight becomes {@code W + ΔW}, \( \Delta W = \frac{\alpha}{r} B A \).
 * Initialisation follows PEFT: {@code A} Kaiming-uniform ({@code ±1/√in}), {@code B = 0}, so a new
 * adapter starts as the identity. Several adapters can serve one base; each can be disabled, in which
 * case it contributes nothing. The scale {@code s} is a 0-d array that lives as long as the adapter.
 */
public final class LoraAdapter implements LayerDelta, AutoCloseable {

    private final String name;
    private final AdapterConfig config;
    private final ModelFamilySpec spec;
    private final NDManager manager;
    private final Map<String, NDArray> a;
    private final Map<String, NDArray> b;
    private final NDArray scale;
    private volatile boolean enabled = true;

    private LoraAdapter(String name, AdapterConfig config, ModelFamilySpec spec, NDManager manager,
            Map<String, NDArray> a, Map<String, NDArray> b) {
        this.name = name;
        this.config = config;
        this.spec = spec;
        this.manager = manager;
        this.a = Collections.unmodifiableMap(a);
        this.b = Collections.unmodifiableMap(b);
        this.scale = manager.full(new Shape(), (float) config.scaling(), DataType.FLOAT32);
    }

    /**
     * Creates a new adapter for a base network.
     *
     * @param name adapter name
     * @param base the base it adapts (its fingerprint is recorded in the config)
     * @param r rank
     * @param alpha α
     * @param targets target linear layers
     * @param seed initialisation seed
     * @return the adapter (close it)
     * @throws IllegalArgumentException if a target is unknown or the rank exceeds a layer
     */
    public static LoraAdapter create(String name, Network base, int r, double alpha, List<String> targets, long seed) {
        AdapterConfig cfg = AdapterConfig.of(r, alpha, targets, base.fingerprint());
        return create(name, base.spec(), cfg, seed);
    }

    /**
     * Creates a new adapter from a config.
     *
     * @param name adapter name
     * @param spec base family
     * @param config config (base fingerprint in {@code base_model_name_or_path})
     * @param seed initialisation seed
     * @return the adapter
     */
    public static LoraAdapter create(String name, ModelFamilySpec spec, AdapterConfig config, long seed) {
        config.validateAgainst(spec);
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, float[]> as = new LinkedHashMap<>();
        Map<String, float[]> bs = new LinkedHashMap<>();
        for (String t : config.targetModules()) {
            LinearLayerShape l = spec.linearLayer(t);
            float[] av = new float[config.r() * l.in()];
            double bound = 1.0 / Math.sqrt(l.in());
            for (int i = 0; i < av.length; i++) {
                av[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
            }
            as.put(t, av);
            bs.put(t, new float[l.out() * config.r()]);
        }
        return fromWeights(name, spec, config, as, bs);
    }

    /**
     * Creates an adapter from weights, validating shapes and values.
     *
     * @param name adapter name
     * @param spec base family
     * @param config config
     * @param aWeights per layer, {@code A} row-major {@code [r, in]}
     * @param bWeights per layer, {@code B} row-major {@code [out, r]}
     * @return the adapter
     * @throws IllegalArgumentException on missing layers, shape mismatches, rank too large or non-finite values
     */
    public static LoraAdapter fromWeights(String name, ModelFamilySpec spec, AdapterConfig config,
            Map<String, float[]> aWeights, Map<String, float[]> bWeights) {
        Objects.requireNonNull(name, "name");
        config.validateAgainst(spec);
        NDManager m = NDManager.newBaseManager(Devices.select());
        try {
            Map<String, NDArray> as = new LinkedHashMap<>();
            Map<String, NDArray> bs = new LinkedHashMap<>();
            int r = config.r();
            for (String t : config.targetModules()) {
                LinearLayerShape l = spec.linearLayer(t);
                float[] av = aWeights.get(t);
                float[] bv = bWeights.get(t);
                if (av == null || bv == null) {
                    throw new IllegalArgumentException("adapter '" + name + "' lacks lora_A/lora_B for target layer '" + t + "'");
                }
                if (av.length != r * l.in()) {
                    throw new IllegalArgumentException("shape mismatch: adapter '" + name + "' lora_A of layer '" + t + "' has "
                            + av.length + " values, expected [" + r + ", " + l.in() + "]");
                }
                if (bv.length != l.out() * r) {
                    throw new IllegalArgumentException("shape mismatch: adapter '" + name + "' lora_B of layer '" + t + "' has "
                            + bv.length + " values, expected [" + l.out() + ", " + r + "]");
                }
                Network.requireFinite("adapter '" + name + "' lora_A of layer '" + t + "'", av);
                Network.requireFinite("adapter '" + name + "' lora_B of layer '" + t + "'", bv);
                as.put(t, m.create(av, new Shape(r, l.in())));
                bs.put(t, m.create(bv, new Shape(l.out(), r)));
            }
            for (String t : aWeights.keySet()) {
                if (!config.targetModules().contains(t)) {
                    throw new IllegalArgumentException("adapter '" + name + "' has weights for layer '" + t
                            + "', which is not in target_modules " + config.targetModules());
                }
            }
            return new LoraAdapter(name, config, spec, m, as, bs);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    @Override
    public @Nullable NDArray apply(String layer, NDArray input) {
        if (!enabled) {
            return null;
        }
        NDArray la = a.get(layer);
        if (la == null) {
            return null;
        }
        return input.matMul(la.transpose()).matMul(b.get(layer).transpose()).mul(scale);
    }

    /** Returns the adapter's name. */
    public String name() {
        return name;
    }

    /** Returns the PEFT config. */
    public AdapterConfig config() {
        return config;
    }

    /** Returns the base family. */
    public ModelFamilySpec spec() {
        return spec;
    }

    /** Returns the fingerprint of the base this adapter was trained on. */
    public String baseFingerprint() {
        return config.baseModelNameOrPath();
    }

    /** Returns the target layers. */
    public List<String> targets() {
        return config.targetModules();
    }

    /** Returns whether the adapter contributes to the forward pass. */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * Enables or disables the adapter.
     *
     * @param enabled false makes {@link #apply} return null
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * Returns {@code A} of a layer.
     *
     * @param layer target layer
     * @return {@code [r, in]}
     */
    public NDArray loraA(String layer) {
        return Objects.requireNonNull(a.get(layer), () -> "adapter '" + name + "' does not target layer '" + layer + "'");
    }

    /**
     * Returns {@code B} of a layer.
     *
     * @param layer target layer
     * @return {@code [out, r]}
     */
    public NDArray loraB(String layer) {
        return Objects.requireNonNull(b.get(layer), () -> "adapter '" + name + "' does not target layer '" + layer + "'");
    }

    /** Returns the trainable arrays ({@code A} and {@code B} of every target). */
    public List<NDArray> trainableParameters() {
        List<NDArray> out = new ArrayList<>();
        for (String t : config.targetModules()) {
            out.add(a.get(t));
            out.add(b.get(t));
        }
        return out;
    }

    /**
     * Turns gradient tracking on or off.
     *
     * @param trainable true while training
     */
    public void setTrainable(boolean trainable) {
        for (NDArray p : trainableParameters()) {
            p.setRequiresGradient(trainable);
        }
    }

    /** Returns the number of trainable scalars: {@code Σ r·(in + out)}. */
    public long parameterCount() {
        long n = 0;
        for (String t : config.targetModules()) {
            LinearLayerShape l = spec.linearLayer(t);
            n += (long) config.r() * (l.in() + l.out());
        }
        return n;
    }

    /**
     * Computes {@code ΔW = (alpha/r)·B·A} of a layer in double precision.
     *
     * @param layer target layer
     * @return {@code [out][in]}
     */
    public double[][] deltaWeight(String layer) {
        LinearLayerShape l = spec.linearLayer(layer);
        float[] av = loraA(layer).toFloatArray();
        float[] bv = loraB(layer).toFloatArray();
        int r = config.r();
        double s = config.scaling();
        double[][] d = new double[l.out()][l.in()];
        for (int o = 0; o < l.out(); o++) {
            for (int k = 0; k < r; k++) {
                double bk = bv[o * r + k] * s;
                if (bk == 0) {
                    continue;
                }
                for (int i = 0; i < l.in(); i++) {
                    d[o][i] += bk * av[k * l.in() + i];
                }
            }
        }
        return d;
    }

    /** Returns {@code A} per layer as Java arrays. */
    public Map<String, float[]> aWeights() {
        Map<String, float[]> out = new LinkedHashMap<>();
        a.forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    /** Returns {@code B} per layer as Java arrays. */
    public Map<String, float[]> bWeights() {
        Map<String, float[]> out = new LinkedHashMap<>();
        b.forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    /**
     * Returns a copy under another name.
     *
     * @param newName the copy's name
     * @return the copy
     */
    public LoraAdapter copy(String newName) {
        return fromWeights(newName, spec, config, aWeights(), bWeights());
    }

    @Override
    public void close() {
        manager.close();
    }

    @Override
    public String toString() {
        return "LoraAdapter{" + name + ", r=" + config.r() + ", alpha=" + config.loraAlpha() + ", targets="
                + config.targetModules() + (enabled ? "" : ", disabled") + "}";
    }

    static String shapeOf(long[] s) {
        return Arrays.toString(s);
    }
}
