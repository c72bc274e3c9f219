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
 */
public record AdaptationPolicy(int baseWindow, int minSamplesAfterDrift, int adapterRank, int maxAdapters,
        String mergeMethod, boolean autoPromote) {

    /** The defaults every stream starts from. */
    public static final AdaptationPolicy DEFAULT = new AdaptationPolicy(1000, 500, 8, 4, "ties", true);

    /** The defaults overridden by the keys present in {@code overrides}. */
    public static AdaptationPolicy withOverrides(Map<String, Object> overrides) {
        AdaptationPolicy d = DEFAULT;
        return new AdaptationPolicy(
                intValue(overrides, "baseWindow", d.baseWindow()),
                intValue(overrides, "minSamplesAfterDrift", d.minSamplesAfterDrift()),
                intValue(overrides, "adapterRank", d.adapterRank()),
                intValue(overrides, "maxAdapters", d.maxAdapters()),
                String.valueOf(overrides.getOrDefault("mergeMethod", d.mergeMethod())),
                Boolean.parseBoolean(String.valueOf(overrides.getOrDefault("autoPromote", d.autoPromote()))));
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
