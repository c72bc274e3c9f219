package io.perennial.learning.lora;

import java.util.List;

import io.perennial.learning.model.Network;

/** Test helper shared across packages. */
public final class LoraAdapterTestSupport {

    private LoraAdapterTestSupport() {
    }

    /**
     * An adapter with random non-zero A and B.
     *
     * @param name name
     * @param base base
     * @param r rank
     * @param alpha alpha
     * @param targets targets
     * @param seed seed
     * @return adapter
     */
    public static LoraAdapter random(String name, Network base, int r, double alpha, List<String> targets, long seed) {
        return LoraAdapterTest.randomAdapter(name, base, r, alpha, targets, seed);
    }
}
