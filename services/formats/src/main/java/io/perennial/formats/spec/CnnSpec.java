package io.perennial.formats.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Small convolutional network for {@code [c, h, w]} images.
 *
 * <p>Blocks {@code conv1 … convN}: a {@code k×k} convolution (stride 1, padding {@code k/2}), the
 * activation and a 2×2 max pool; then the flattened map goes through {@code fc1} (to {@code hidden},
 * activation) and {@code fc2} (to {@code classes}). Adapters target {@code fc1} and {@code fc2}.
 *
 * @param channels input channels
 * @param height input height
 * @param width input width
 * @param convChannels output channels of each conv block
 * @param kernelSize odd kernel size (default 3)
 * @param hidden width of {@code fc1}
 * @param classes output classes
 * @param activation activation (default relu)
 */
public record CnnSpec(
        @JsonProperty("channels") int channels,
        @JsonProperty("height") int height,
        @JsonProperty("width") int width,
        @JsonProperty("conv_channels") List<Integer> convChannels,
        @JsonProperty("kernel_size") int kernelSize,
        @JsonProperty("hidden") int hidden,
        @JsonProperty("classes") int classes,
        @JsonProperty("activation") Activation activation) implements ModelFamilySpec {

    /** Validates the spec. */
    public CnnSpec {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("cnn input shape must be positive, got [" + channels + ", " + height + ", " + width + "]");
        }
        convChannels = convChannels == null ? List.of() : List.copyOf(convChannels);
        if (convChannels.isEmpty()) {
            throw new IllegalArgumentException("cnn needs at least one conv block (conv_channels is empty)");
        }
        for (int c : convChannels) {
            if (c <= 0) {
                throw new IllegalArgumentException("cnn conv_channels must be positive, got " + convChannels);
            }
        }
        kernelSize = kernelSize == 0 ? 3 : kernelSize;
        if (kernelSize < 1 || kernelSize % 2 == 0) {
            throw new IllegalArgumentException("cnn kernel_size must be odd and positive, got " + kernelSize);
        }
        if (hidden <= 0) {
            throw new IllegalArgumentException("cnn hidden must be positive, got " + hidden);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("cnn classes must be at least 2, got " + classes);
        }
        if ((height >> convChannels.size()) < 1 || (width >> convChannels.size()) < 1) {
            throw new IllegalArgumentException("cnn input " + height + "x" + width + " is too small for "
                    + convChannels.size() + " pooling blocks");
        }
        activation = activation == null ? Activation.RELU : activation;
    }

    @Override
    @JsonIgnore
    public String family() {
        return "cnn";
    }

    @Override
    @JsonIgnore
    public List<Integer> inputShape() {
        return List.of(channels, height, width);
    }

    /** Returns the number of features after the last conv block, the input size of {@code fc1}. */
    @JsonIgnore
    public int flattenedSize() {
        int blocks = convChannels.size();
        return convChannels.get(blocks - 1) * (height >> blocks) * (width >> blocks);
    }

    @Override
    @JsonIgnore
    public List<LinearLayerShape> linearLayers() {
        return List.of(new LinearLayerShape("fc1", flattenedSize(), hidden), new LinearLayerShape("fc2", hidden, classes));
    }

    @Override
    @JsonIgnore
    public Map<String, long[]> parameterShapes() {
        Map<String, long[]> out = ModelFamilySpec.newShapeMap();
        int in = channels;
        List<Integer> cs = new ArrayList<>(convChannels);
        for (int i = 0; i < cs.size(); i++) {
            out.put("conv" + (i + 1) + ".weight", new long[] {cs.get(i), in, kernelSize, kernelSize});
            out.put("conv" + (i + 1) + ".bias", new long[] {cs.get(i)});
            in = cs.get(i);
        }
        return ModelFamilySpec.linearShapes(linearLayers(), out);
    }
}
