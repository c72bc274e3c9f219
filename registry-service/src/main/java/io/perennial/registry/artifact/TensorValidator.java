package io.perennial.registry.artifact;

import io.perennial.formats.safetensors.DType;
import io.perennial.formats.safetensors.SafetensorsHeader;
import io.perennial.formats.safetensors.TensorInfo;
import io.perennial.formats.spec.LinearLayerShape;
import io.perennial.formats.spec.ModelFamilySpec;
import io.perennial.formats.spec.PeftNames;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a safetensors header against a model family: names, shapes and dtypes. Pure logic; the header comes from
 * {@code Safetensors.readHeader} while the upload streams.
 */
public final class TensorValidator {

    /** Element types weights may have. */
    static final Set<DType> FLOAT_TYPES = EnumSet.of(DType.F32, DType.F16, DType.BF16, DType.F64);

    private TensorValidator() {
    }

    /**
     * Validates a header for an artifact kind.
     *
     * @throws IllegalArgumentException naming the first offending tensor
     */
    public static void validate(SafetensorsHeader header, ArtifactKind kind, ModelFamilySpec family) {
        switch (kind) {
            case WEIGHTS -> weights(header, family);
            case ADAPTER -> adapter(header, family);
            default -> {
            }
        }
    }

    static void weights(SafetensorsHeader header, ModelFamilySpec family) {
        Map<String, long[]> expected = family.parameterShapes();
        Set<String> seen = new TreeSet<>();
        for (TensorInfo t : header.tensors()) {
            long[] shape = expected.get(t.name());
            if (shape == null) {
                throw new IllegalArgumentException("tensor '" + t.name() + "' is not a parameter of the "
                        + family.family() + " family (parameters: " + expected.keySet() + ")");
            }
            checkFloat(t);
            if (!Arrays.equals(shape, t.shape())) {
                throw new IllegalArgumentException("tensor '" + t.name() + "' has shape " + Arrays.toString(t.shape())
                        + " but the model family needs " + Arrays.toString(shape));
            }
            seen.add(t.name());
        }
        Set<String> missing = new TreeSet<>(expected.keySet());
        missing.removeAll(seen);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("weights lack parameters " + missing + " of the " + family.family()
                    + " family");
        }
    }

    static void adapter(SafetensorsHeader header, ModelFamilySpec family) {
        Map<String, long[]> a = new LinkedHashMap<>();
        Map<String, long[]> b = new LinkedHashMap<>();
        for (TensorInfo t : header.tensors()) {
            String layer = PeftNames.layerOf(t.name()).orElseThrow(() -> new IllegalArgumentException("tensor '"
                    + t.name() + "' is not a PEFT LoRA name (base_model.model.<layer>.lora_A.weight / lora_B.weight)"));
            LinearLayerShape shape;
            shape = family.linearLayer(layer);
            checkFloat(t);
            long[] s = t.shape();
            if (s.length != 2) {
                throw new IllegalArgumentException("tensor '" + t.name() + "' must be a matrix, has shape "
                        + Arrays.toString(s));
            }
            if (t.name().equals(PeftNames.loraA(layer))) {
                if (s[1] != shape.in()) {
                    throw new IllegalArgumentException("tensor '" + t.name() + "' has shape " + Arrays.toString(s)
                            + " but layer '" + layer + "' takes " + shape.in() + " inputs: expected [r, " + shape.in()
                            + "]");
                }
                a.put(layer, s);
            } else {
                if (s[0] != shape.out()) {
                    throw new IllegalArgumentException("tensor '" + t.name() + "' has shape " + Arrays.toString(s)
                            + " but layer '" + layer + "' has " + shape.out() + " outputs: expected [" + shape.out()
                            + ", r]");
                }
                b.put(layer, s);
            }
        }
        if (a.isEmpty()) {
            throw new IllegalArgumentException("adapter has no LoRA tensors");
        }
        for (String layer : new TreeSet<>(union(a.keySet(), b.keySet()))) {
            long[] sa = a.get(layer);
            long[] sb = b.get(layer);
            if (sa == null || sb == null) {
                throw new IllegalArgumentException("layer '" + layer + "' has " + (sa == null ? "lora_B but no lora_A"
                        : "lora_A but no lora_B"));
            }
            if (sa[0] != sb[1]) {
                throw new IllegalArgumentException("layer '" + layer + "': lora_A rank " + sa[0]
                        + " differs from lora_B rank " + sb[1]);
            }
            int max = family.linearLayer(layer).maxRank();
            if (sa[0] < 1 || sa[0] > max) {
                throw new IllegalArgumentException("layer '" + layer + "': rank " + sa[0] + " is outside [1, " + max
                        + "]");
            }
        }
    }

    private static Set<String> union(Set<String> x, Set<String> y) {
        Set<String> u = new TreeSet<>(x);
        u.addAll(y);
        return u;
    }

    private static void checkFloat(TensorInfo t) {
        if (!FLOAT_TYPES.contains(t.dtype())) {
            throw new IllegalArgumentException("tensor '" + t.name() + "' has dtype " + t.dtype()
                    + "; weights must be one of " + FLOAT_TYPES);
        }
    }
}
