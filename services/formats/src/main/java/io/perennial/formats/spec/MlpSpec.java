package io.perennial.formats.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Multi-layer perceptron: {@code fc1 … fc(n+1)} linear layers with an activation between them.
 *
 * <p>Input is flattened; layer {@code fc(k)} maps {@code hidden[k-2]} to {@code hidden[k-1]}, the
 * last one maps to {@code classes} logits.
 *
 * @param inputDim input features
 * @param hidden hidden layer widths (may be empty: a linear classifier)
 * @param classes output classes
 * @param activation hidden activation (default relu)
 */
public record MlpSpec(
        @JsonProperty("input_dim") int inputDim,
        @JsonProperty("hidden") List<Integer> hidden,
        @JsonProperty("classes") int classes,
        @JsonProperty("activation") Activation activation) implements ModelFamilySpec {

    /** Validates the spec. */
    public MlpSpec {
        if (inputDim <= 0) {
            throw new IllegalArgumentException("mlp input_dim must be positive, got " + inputDim);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("mlp classes must be at least 2, got " + classes);
        }
        hidden = hidden == null ? List.of() : List.copyOf(hidden);
        for (int h : hidden) {
            if (h <= 0) {
                throw new IllegalArgumentException("mlp hidden sizes must be positive, got " + hidden);
            }
        }
        activation = activation == null ? Activation.RELU : activation;
    }

    @Override
    @JsonIgnore
    public String family() {
        return "mlp";
    }

    @Override
    @JsonIgnore
    public List<Integer> inputShape() {
        return List.of(inputDim);
    }

    @Override
    @JsonIgnore
    public List<LinearLayerShape> linearLayers() {
        List<LinearLayerShape> out = new ArrayList<>();
        int in = inputDim;
        int k = 1;
        for (int h : hidden) {
            out.add(new LinearLayerShape("fc" + k++, in, h));
            in = h;
        }
        out.add(new LinearLayerShape("fc" + k, in, classes));
        return List.copyOf(out);
    }

    @Override
    @JsonIgnore
    public Map<String, long[]> parameterShapes() {
        return ModelFamilySpec.linearShapes(linearLayers(), ModelFamilySpec.newShapeMap());
    }
}
