package io.perennial.formats.spec;

import java.util.Optional;

/**
 * PEFT tensor names for LoRA weights: {@code base_model.model.<layer>.lora_A.weight} ({@code [r, in]})
 * and {@code base_model.model.<layer>.lora_B.weight} ({@code [out, r]}).
 */
public final class PeftNames {

    private static final String PREFIX = "base_model.model.";
    private static final String A_SUFFIX = ".lora_A.weight";
    private static final String B_SUFFIX = ".lora_B.weight";

    private PeftNames() {
    }

    /**
     * Returns the name of a layer's {@code A} matrix.
     *
     * @param layer layer name
     * @return tensor name
     */
    public static String loraA(String layer) {
        return PREFIX + layer + A_SUFFIX;
    }

    /**
     * Returns the name of a layer's {@code B} matrix.
     *
     * @param layer layer name
     * @return tensor name
     */
    public static String loraB(String layer) {
        return PREFIX + layer + B_SUFFIX;
    }

    /**
     * Extracts the layer from a PEFT LoRA tensor name.
     *
     * @param tensorName tensor name
     * @return the layer, or empty if the name is not a LoRA A/B name
     */
    public static Optional<String> layerOf(String tensorName) {
        if (!tensorName.startsWith(PREFIX)) {
            return Optional.empty();
        }
        for (String suffix : new String[] {A_SUFFIX, B_SUFFIX}) {
            if (tensorName.endsWith(suffix) && tensorName.length() > PREFIX.length() + suffix.length()) {
                return Optional.of(tensorName.substring(PREFIX.length(), tensorName.length() - suffix.length()));
            }
        }
        return Optional.empty();
    }
}
