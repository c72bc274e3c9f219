package io.perennial.learning.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import io.perennial.formats.safetensors.Safetensors;
import io.perennial.formats.safetensors.SafetensorsFile;
import io.perennial.formats.safetensors.Tensor;
import io.perennial.formats.spec.ModelFamilySpec;
import io.perennial.formats.spec.SpecJson;

/**
 * Saves and loads base models as a directory holding {@code model.safetensors} (tensors named
 * {@code <layer>.weight}/{@code <layer>.bias}, PyTorch layout) and {@code model_family.json}.
 */
public final class BaseModelIO {

    /** Weights file name. */
    public static final String WEIGHTS_FILE = "model.safetensors";

    /** Format version written to the safetensors metadata and checked on load. */
    public static final int FORMAT_VERSION = 1;

    private BaseModelIO() {
    }

    /**
     * Writes a base model.
     *
     * @param network the model
     * @param dir target directory (created)
     * @throws IOException on write errors
     */
    public static void save(Network network, Path dir) throws IOException {
        Files.createDirectories(dir);
        SafetensorsFile.Builder b = SafetensorsFile.builder()
                .putMetadata("format", "pt")
                .putMetadata("perennial.kind", "base")
                .putMetadata("perennial.format_version", String.valueOf(FORMAT_VERSION))
                .putMetadata("perennial.family", network.spec().family())
                .putMetadata("perennial.fingerprint", network.fingerprint());
        Map<String, long[]> shapes = network.spec().parameterShapes();
        for (Map.Entry<String, float[]> e : network.weights().entrySet()) {
            b.putFloats(e.getKey(), shapes.get(e.getKey()), e.getValue());
        }
        Safetensors.write(b.build(), dir.resolve(WEIGHTS_FILE));
        Files.writeString(dir.resolve(SpecJson.MODEL_SPEC_FILE), SpecJson.toJson(network.spec()));
    }

    /**
     * Reads a base model, checking the weights against the family spec.
     *
     * @param dir directory written by {@link #save}
     * @return the model (close it)
     * @throws IOException on read errors or an invalid file
     * @throws IllegalArgumentException on shape mismatches or non-finite weights
     */
    public static Network load(Path dir) throws IOException {
        ModelFamilySpec spec = SpecJson.readModelSpec(dir.resolve(SpecJson.MODEL_SPEC_FILE));
        SafetensorsFile file = Safetensors.read(dir.resolve(WEIGHTS_FILE));
        String v = file.metadata().getOrDefault("perennial.format_version", "1");
        if (Integer.parseInt(v) > FORMAT_VERSION) {
            throw new IOException(dir + ": base model format version " + v + " is newer than this release reads (" + FORMAT_VERSION + ")");
        }
        Map<String, long[]> shapes = spec.parameterShapes();
        Map<String, float[]> w = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : file.tensors().entrySet()) {
            long[] expected = shapes.get(e.getKey());
            if (expected != null && !Arrays.equals(expected, e.getValue().shape())) {
                throw new IllegalArgumentException("shape mismatch: tensor '" + e.getKey() + "' has shape "
                        + Arrays.toString(e.getValue().shape()) + " but the model family needs " + Arrays.toString(expected));
            }
            w.put(e.getKey(), e.getValue().toFloatArray());
        }
        return Network.fromWeights(spec, w);
    }
}
