package io.perennial.formats.spec;

/**
 * A linear layer of a model family, a possible LoRA target: {@code y = x·Wᵀ + b} with
 * {@code W ∈ ℝ^{out×in}}.
 *
 * @param name layer name (for example {@code fc1}); tensors are {@code <name>.weight} and {@code <name>.bias}
 * @param in input features
 * @param out output features
 */
public record LinearLayerShape(String name, int in, int out) {

    /** Returns the largest LoRA rank this layer allows, {@code min(in, out)}. */
    public int maxRank() {
        return Math.min(in, out);
    }
}
