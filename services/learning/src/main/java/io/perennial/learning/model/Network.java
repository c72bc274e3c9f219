package io.perennial.learning.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.jspecify.annotations.Nullable;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import io.perennial.formats.spec.CnnSpec;
import io.perennial.formats.spec.LinearLayerShape;
import io.perennial.formats.spec.MlpSpec;
import io.perennial.formats.spec.ModelFamilySpec;
import io.perennial.learning.device.Devices;

/**
 * A model of a {@link ModelFamilySpec} family whose parameters are plain DJL arrays, with a functional
 * forward pass that adapters hook into through {@link LayerDelta}.
 *
 * <p>Parameters use PyTorch's layout and initialisation (Kaiming-uniform with {@code a = √5}: weights and
 * biases uniform in {@code ±1/√fan_in}), drawn from a {@link SplittableRandom} seeded by the caller, so
 * two networks built from the same spec and seed are identical on any device.
 *
 * <p>The forward pass is split in two so that routed inference computes the frozen part once per batch:
 * the {@link Trunk} ({@code h0}, the input of the first linear layer — the flattened image for an MLP,
 * the conv features for a CNN — and {@code z1 = h0·W1ᵀ + b1}), then the linear stack with each layer's
 * adapter delta added. No Java number enters the forward pass (see docs/learning.md, DJL discipline: scalar tensors built from
 * numbers are freed while autograd still needs them).
 */
public final class Network implements AutoCloseable {

    private final ModelFamilySpec spec;
    private final NDManager manager;
    private final Map<String, NDArray> params;
    private final List<LinearLayerShape> linear;

    private Network(ModelFamilySpec spec, NDManager manager, Map<String, NDArray> params) {
        this.spec = spec;
        this.manager = manager;
        this.params = Collections.unmodifiableMap(params);
        this.linear = spec.linearLayers();
    }

    /**
     * Creates a freshly initialised network on the selected device.
     *
     * @param spec the family
     * @param seed initialisation seed
     * @return the network (close it)
     */
    public static Network initialize(ModelFamilySpec spec, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, float[]> w = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : spec.parameterShapes().entrySet()) {
            long[] s = e.getValue();
            boolean bias = e.getKey().endsWith(".bias");
            String layer = e.getKey().substring(0, e.getKey().lastIndexOf('.'));
            long[] ws = spec.parameterShapes().get(layer + ".weight");
            long fanIn = 1;
            for (int i = 1; i < ws.length; i++) {
                fanIn *= ws[i];
            }
            double bound = 1.0 / Math.sqrt(fanIn);
            float[] v = new float[(int) count(s)];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
            }
            w.put(e.getKey(), v);
            if (bias && v.length == 0) {
                throw new IllegalStateException("empty bias " + e.getKey());
            }
        }
        return fromWeights(spec, w);
    }

    /**
     * Creates a network from weights, validating names, shapes and values.
     *
     * @param spec the family
     * @param weights every parameter of {@link ModelFamilySpec#parameterShapes()} as row-major floats
     * @return the network (close it)
     * @throws IllegalArgumentException naming a missing, unexpected, mis-shaped or non-finite parameter
     */
    public static Network fromWeights(ModelFamilySpec spec, Map<String, float[]> weights) {
        Map<String, long[]> shapes = spec.parameterShapes();
        for (String k : weights.keySet()) {
            if (!shapes.containsKey(k)) {
                throw new IllegalArgumentException("shape mismatch: weights contain '" + k + "', which model family '"
                        + spec.family() + "' does not have (expected " + shapes.keySet() + ")");
            }
        }
        NDManager m = NDManager.newBaseManager(Devices.select());
        try {
            Map<String, NDArray> p = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                float[] v = weights.get(e.getKey());
                if (v == null) {
                    throw new IllegalArgumentException("shape mismatch: weights lack parameter '" + e.getKey()
                            + "' of shape " + Arrays.toString(e.getValue()) + " required by the model family");
                }
                if (v.length != count(e.getValue())) {
                    throw new IllegalArgumentException("shape mismatch: parameter '" + e.getKey() + "' has " + v.length
                            + " values but the spec's shape " + Arrays.toString(e.getValue()) + " needs " + count(e.getValue()));
                }
                requireFinite("weight '" + e.getKey() + "'", v);
                NDArray a = m.create(v, new Shape(e.getValue()));
                a.setName(e.getKey());
                p.put(e.getKey(), a);
            }
            return new Network(spec, m, p);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /**
     * Throws if any value is NaN or infinite.
     *
     * @param what description for the message
     * @param v values
     */
    public static void requireFinite(String what, float[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new IllegalArgumentException("non-finite value in " + what + ": element " + i + " is " + v[i]);
            }
        }
    }

    /** Returns an independent copy (same weights, new arrays). */
    public Network copy() {
        return fromWeights(spec, weights());
    }

    /** Returns the model family. */
    public ModelFamilySpec spec() {
        return spec;
    }

    /** Returns the manager owning the parameters. */
    public NDManager manager() {
        return manager;
    }

    /** Returns the parameters by name, in spec order. */
    public Map<String, NDArray> parameters() {
        return params;
    }

    /**
     * Returns one parameter.
     *
     * @param name for example {@code fc1.weight}
     * @return the array
     */
    public NDArray parameter(String name) {
        NDArray a = params.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no parameter '" + name + "' in " + params.keySet());
        }
        return a;
    }

    /**
     * Turns gradient tracking on or off for every parameter (off = frozen base).
     *
     * @param trainable whether parameters receive gradients
     */
    public void setTrainable(boolean trainable) {
        for (NDArray a : params.values()) {
            a.setRequiresGradient(trainable);
        }
    }

    /** Returns the number of scalar parameters. */
    public long parameterCount() {
        return spec.parameterCount();
    }

    /** Returns a copy of the weights as Java arrays, in spec order. */
    public Map<String, float[]> weights() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            out.put(e.getKey(), e.getValue().toFloatArray());
        }
        return out;
    }

    /**
     * Returns {@code perennial:<family>@sha256:<hex>} over the spec JSON and the weights, the identity
     * adapters record as their base.
     */
    public String fingerprint() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(io.perennial.formats.spec.SpecJson.toJson(spec).getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
                md.update(e.getValue().toByteArray());
            }
            return "perennial:" + spec.family() + "@sha256:" + HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Uploads samples as a batch array of shape {@code [rows, ...inputShape]}.
     *
     * @param m manager that will own the array
     * @param features row-major features
     * @param rows number of samples
     * @return the batch
     * @throws IllegalArgumentException if the features do not fit the spec's input shape
     */
    public NDArray toInput(NDManager m, float[] features, int rows) {
        int d = spec.inputSize();
        if ((long) rows * d != features.length) {
            throw new IllegalArgumentException("shape mismatch: model family '" + spec.family() + "' expects "
                    + d + " features per sample " + spec.inputShape() + ", got " + features.length + " values for " + rows + " rows");
        }
        long[] s = new long[spec.inputShape().size() + 1];
        s[0] = rows;
        for (int i = 0; i < spec.inputShape().size(); i++) {
            s[i + 1] = spec.inputShape().get(i);
        }
        return m.create(features, new Shape(s));
    }

    /**
     * The frozen-prefix result of a batch: {@code h0} (input of the first linear layer) and
     * {@code z1 = h0·W1ᵀ + b1} (before any adapter delta).
     *
     * @param h0 first linear layer's input {@code [N, in1]}
     * @param z1 first linear layer's base output {@code [N, out1]}
     */
    public record Trunk(NDArray h0, NDArray z1) {
    }

    /**
     * Outputs of a forward pass.
     *
     * @param logits {@code [N, classes]}
     * @param features penultimate activations {@code [N, D]} (the head layer's input)
     */
    public record Outputs(NDArray logits, NDArray features) {
    }

    /**
     * Computes the trunk of a batch.
     *
     * @param x input batch {@code [N, ...]}
     * @return the trunk
     */
    public Trunk trunk(NDArray x) {
        NDArray h0;
        if (spec instanceof CnnSpec cnn) {
            NDArray h = x.reshape(new Shape(x.getShape().get(0), cnn.channels(), cnn.height(), cnn.width()));
            int pad = cnn.kernelSize() / 2;
            for (int i = 1; i <= cnn.convChannels().size(); i++) {
                h = h.getNDArrayInternal().convolution(h, params.get("conv" + i + ".weight"), params.get("conv" + i + ".bias"),
                        new Shape(1, 1), new Shape(pad, pad), new Shape(1, 1), 1).singletonOrThrow();
                h = activate(h);
                h = Pool.maxPool2d(h, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
            }
            h0 = h.reshape(new Shape(h.getShape().get(0), -1));
        } else {
            MlpSpec mlp = (MlpSpec) spec;
            h0 = x.reshape(new Shape(x.getShape().get(0), mlp.inputDim()));
        }
        LinearLayerShape first = linear.get(0);
        NDArray z1 = Linear.linear(h0, params.get(first.name() + ".weight"), params.get(first.name() + ".bias")).singletonOrThrow();
        return new Trunk(h0, z1);
    }

    /**
     * Runs the linear stack from a trunk with adapter deltas.
     *
     * @param t the trunk
     * @param delta adapter deltas (or {@link LayerDelta#NONE})
     * @return logits and penultimate features
     */
    public Outputs forward(Trunk t, LayerDelta delta) {
        NDArray z = addDelta(t.z1(), delta.apply(linear.get(0).name(), t.h0()));
        NDArray features = t.h0();
        for (int i = 1; i < linear.size(); i++) {
            LinearLayerShape l = linear.get(i);
            NDArray h = activate(z);
            features = h;
            z = Linear.linear(h, params.get(l.name() + ".weight"), params.get(l.name() + ".bias")).singletonOrThrow();
            z = addDelta(z, delta.apply(l.name(), h));
        }
        return new Outputs(z, features);
    }

    /**
     * Full forward pass.
     *
     * @param x input batch
     * @param delta adapter deltas
     * @return logits and features
     */
    public Outputs forward(NDArray x, LayerDelta delta) {
        return forward(trunk(x), delta);
    }

    /**
     * Logits of the base (or adapted) model.
     *
     * @param x input batch
     * @param delta adapter deltas
     * @return {@code [N, classes]}
     */
    public NDArray logits(NDArray x, LayerDelta delta) {
        return forward(x, delta).logits();
    }

    private static NDArray addDelta(NDArray z, @Nullable NDArray d) {
        return d == null ? z : z.add(d);
    }

    private NDArray activate(NDArray z) {
        return switch (spec.activation()) {
            case RELU -> Activation.relu(z);
            case TANH -> z.tanh();
            case GELU -> Activation.gelu(z);
        };
    }

    /** Returns the linear layers in forward order. */
    public List<LinearLayerShape> linearLayers() {
        return linear;
    }

    static long count(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /**
     * Concatenates arrays along axis 0 (helper for grouped inference).
     *
     * @param parts arrays
     * @return concatenation
     */
    public static NDArray concatRows(List<NDArray> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return NDArrays.concat(new ai.djl.ndarray.NDList(new ArrayList<>(parts)), 0);
    }

    /** Returns the float data type used for every array. */
    public static DataType dtype() {
        return DataType.FLOAT32;
    }

    @Override
    public void close() {
        manager.close();
    }
}
