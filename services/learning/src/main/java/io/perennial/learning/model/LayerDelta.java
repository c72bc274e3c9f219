package io.perennial.learning.model;

import org.jspecify.annotations.Nullable;

import ai.djl.ndarray.NDArray;

/**
 * An additive term on a linear layer's output: the hook through which adapters change a frozen base.
 *
 * <p>For a linear layer {@code z = x·Wᵀ + b} the network computes {@code z + delta(layer, x)}.
 */
@FunctionalInterface
public interface LayerDelta {

    /** No change to any layer. */
    LayerDelta NONE = (layer, input) -> null;

    /**
     * Returns the term to add to {@code layer}'s output for {@code input}, or null for none.
     *
     * @param layer linear layer name
     * @param input the layer's input rows {@code [N, in]}
     * @return {@code [N, out]} or null
     */
    @Nullable
    NDArray apply(String layer, NDArray input);
}
