package io.perennial.trainer.policy;

import java.util.Map;

/**
 * How trainer-service adapts one stream.
 *
 * @param baseWindow labelled samples needed before the base model is trained
 * @param minSamplesAfterDrift labelled samples of the new regime needed before an adapter is trained
 * @param adapterRank LoRA rank of new adapters
 * @param maxAdapters adapters kept before a merge is scheduled
 * @param mergeMethod merge method: task-arithmetic, ties, dare, breadcrumbs, magmax, orthogonal
 * @param autoPromote promote a candidate that passes the gate without an operator
 * @param probeEvery every n-th sample of a segment (by offset) is held out of training as its evaluation probe
 * @param baseEpochs training epochs of the base model
 * @param adapterEpochs training epochs of an adapter
 */
public record AdaptationPolicy(int baseWindow, int minSamplesAfterDrift, int adapterRank, int maxAdapters,
        String mergeMethod, boolean autoPromote, int probeEvery, int baseEpochs, int adapterEpochs) {

    /** The defaults every stream starts from. */
    public static final AdaptationPolicy DEFAULT = new AdaptationPolicy(1000, 500, 8, 4, "ties", true, 5, 10, 20);

    /** Validates the values. */
    public AdaptationPolicy {
        positive("baseWindow", baseWindow);
        positive("minSamplesAfterDrift", minSamplesAfterDrift);
        positive("adapterRank", adapterRank);
        positive("maxAdapters", maxAdapters);
        positive("baseEpochs", baseEpochs);
        positive("adapterEpochs", adapterEpochs);
        if (probeEvery < 2) {
            throw new IllegalArgumentException("policy.probeEvery must be at least 2 (one sample in n is held out)");
        }
        if (!java.util.Set.of("task-arithmetic", "ties", "dare", "breadcrumbs", "magmax", "orthogonal-projection")
                .contains(mergeMethod)) {
            throw new IllegalArgumentException("policy.mergeMethod must be one of task-arithmetic, ties, dare, "
                    + "breadcrumbs, magmax, orthogonal-projection; got '" + mergeMethod + "'");
        }
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException("policy." + name + " must be at least 1, got " + value);
        }
    }

    /** The defaults overridden by the keys present in {@code overrides}. */
    public static AdaptationPolicy withOverrides(Map<String, Object> overrides) {
        AdaptationPolicy d = DEFAULT;
        return new AdaptationPolicy(
                intValue(overrides, "baseWindow", d.baseWindow()),
                intValue(overrides, "minSamplesAfterDrift", d.minSamplesAfterDrift()),
                intValue(overrides, "adapterRank", d.adapterRank()),
                intValue(overrides, "maxAdapters", d.maxAdapters()),
                String.valueOf(overrides.getOrDefault("mergeMethod", d.mergeMethod())),
                Boolean.parseBoolean(String.valueOf(overrides.getOrDefault("autoPromote", d.autoPromote()))),
                intValue(overrides, "probeEvery", d.probeEvery()),
                intValue(overrides, "baseEpochs", d.baseEpochs()),
                intValue(overrides, "adapterEpochs", d.adapterEpochs()));
    }

    private static int intValue(Map<String, Object> map, String key, int fallback) {
        Object v = map.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.intValue();
        }
        try {
            return Integer.parseInt(v.toString());
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("policy." + key + " must be an integer, got '" + v + "'");
        }
    }
}
