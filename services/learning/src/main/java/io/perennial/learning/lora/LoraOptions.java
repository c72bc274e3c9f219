package io.perennial.learning.lora;

import java.util.List;

/**
 * How to shape a new adapter.
 *
 * @param r rank (default 8)
 * @param alpha α (default 16, so {@code alpha/r = 2})
 * @param targets target linear layers; empty means every linear layer of the family
 * @param seed initialisation seed of {@code A}
 */
public record LoraOptions(int r, double alpha, List<String> targets, long seed) {

    /** Validates. */
    public LoraOptions {
        if (r < 1) {
            throw new IllegalArgumentException("LoRA rank r must be positive, got " + r);
        }
        targets = List.copyOf(targets);
    }

    /** Returns r=8, α=16, all linear layers, seed 0. */
    public static LoraOptions defaults() {
        return new LoraOptions(8, 16, List.of(), 0);
    }

    /**
     * Returns a copy with another seed.
     *
     * @param s seed
     * @return copy
     */
    public LoraOptions withSeed(long s) {
        return new LoraOptions(r, alpha, targets, s);
    }
}
