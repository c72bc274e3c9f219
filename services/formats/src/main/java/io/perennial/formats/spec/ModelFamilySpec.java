package io.perennial.formats.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A model family: the architecture a stream's base model and adapters share, stored as JSON next to
 * the base weights.
 *
 * <p>Example: {@code {"family":"mlp","input_dim":784,"hidden":[256],"classes":10,"activation":"relu","version":1}}.
 * Use {@link SpecJson} to read and write it. Every family exposes its parameter names and shapes, so
 * weights and adapters can be validated against a spec without loading an ML engine.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "family")
@JsonSubTypes({
    @JsonSubTypes.Type(value = MlpSpec.class, name = "mlp"),
    @JsonSubTypes.Type(value = CnnSpec.class, name = "cnn")
})
public sealed interface ModelFamilySpec permits MlpSpec, CnnSpec {

    /** Returns the family name ({@code mlp} or {@code cnn}). */
    String family();

    /** Returns the number of output classes. */
    int classes();

    /** Returns the shape of one input sample, for example {@code [784]} or {@code [1, 28, 28]}. */
    List<Integer> inputShape();

    /** Returns the number of input features, the product of {@link #inputShape()}. */
    default int inputSize() {
        int n = 1;
        for (int d : inputShape()) {
            n *= d;
        }
        return n;
    }

    /** Returns the hidden-layer activation. */
    Activation activation();

    /** Returns the linear layers in forward order; these are the layers adapters may target. */
    List<LinearLayerShape> linearLayers();

    /**
     * Returns every parameter name with its shape, in forward order (PyTorch layout: linear weights
     * {@code [out, in]}, conv weights {@code [out, in, k, k]}).
     */
    Map<String, long[]> parameterShapes();

    /**
     * Finds a linear layer by name.
     *
     * @param name layer name
     * @return the layer
     * @throws IllegalArgumentException naming the layer and the known ones
     */
    default LinearLayerShape linearLayer(String name) {
        for (LinearLayerShape l : linearLayers()) {
            if (l.name().equals(name)) {
                return l;
            }
        }
        throw new IllegalArgumentException("model family '" + family() + "' has no linear layer '" + name
                + "' (linear layers: " + linearLayers().stream().map(LinearLayerShape::name).toList() + ")");
    }

    /** Returns the name of the layer whose input is the penultimate feature vector (the last linear layer). */
    default String headLayer() {
        List<LinearLayerShape> l = linearLayers();
        return l.get(l.size() - 1).name();
    }

    /** Returns the number of scalar parameters. */
    default long parameterCount() {
        long n = 0;
        for (long[] s : parameterShapes().values()) {
            long p = 1;
            for (long d : s) {
                p *= d;
            }
            n += p;
        }
        return n;
    }

    /** Helper for implementations: weight and bias shapes of linear layers. */
    static Map<String, long[]> linearShapes(List<LinearLayerShape> layers, Map<String, long[]> into) {
        for (LinearLayerShape l : layers) {
            into.put(l.name() + ".weight", new long[] {l.out(), l.in()});
            into.put(l.name() + ".bias", new long[] {l.out()});
        }
        return into;
    }

    /** Helper for implementations. */
    static Map<String, long[]> newShapeMap() {
        return new LinkedHashMap<>();
    }
}
