package io.perennial.trainer.policy;

import java.util.Map;

/**
 * How trainer-service adapts one stream.
 *
 * @param baseWindow labelled samples needed before the base model is trained
 * @param minSamplesAfterDrift samples of the new regime needed before an alarm is assessed and answered
 * @param adapterRank LoRA rank of new adapters
 * @param maxAdapters active adapters kept at most; a decision that adds one to a full set first merges or archives
 * @param mergeMethod merge method: task-arithmetic, ties, dare, breadcrumbs, magmax, orthogonal-projection
 * @param autoPromote promote a candidate that passes the gate without an operator
 * @param probeEvery every n-th sample of a segment (by offset) is held out of training as its evaluation probe
 * @param baseEpochs training epochs of the base model
 * @param adapterEpochs training epochs of an adapter
 * @param matchAlpha a window matches a known regime when its two-sample and class-conditional p-values are at least
 *     this (0.01)
 * @param matchMinRoutedShare ... and at least this share of its rows is routed to that regime (0.5)
 * @param priorShiftAlpha a prior shift needs the prior-shift test's p-value below this (0.001)
 * @param priorShiftMinTv ... and a total-variation distance between training and window priors of at least this (0.1)
 * @param maxRemedies remedy rungs climbed after a refused answer before the alarm is STUCK (0..3; 3)
 * @param mergeMinSimilarity two active adapters merge only with an adapter delta cosine similarity of at least this
 *     (0.9)
 * @param mergeMaxDescriptorDistance ... and a descriptor distance (normalised squared Mahalanobis) of at most this
 *     (1.0: each regime's mean lies within the other's typical spread)
 * @param refineGrowth the current regime's adapter is refined once the regime's latest window holds at least this
 *     many times the samples its adapter was last trained on (4: each time its data quadruples; more than 1)
 * @param refineMaxWindow a refinement trains on at most this many samples, the newest of the window (20000)
 * @param refineMinGain refining a regime stops when a refinement gained less than this on its window's probe (gain =
 *     positive minus negative flip rate against the serving version; 0.01, in [0, 1])
 */
public record AdaptationPolicy(int baseWindow, int minSamplesAfterDrift, int adapterRank, int maxAdapters,
        String mergeMethod, boolean autoPromote, int probeEvery, int baseEpochs, int adapterEpochs,
        double matchAlpha, double matchMinRoutedShare, double priorShiftAlpha, double priorShiftMinTv,
        int maxRemedies, double mergeMinSimilarity, double mergeMaxDescriptorDistance, double refineGrowth,
        int refineMaxWindow, double refineMinGain) {

    /** Remedies there are to climb (distillation, head-only, higher-rank). */
    public static final int REMEDIES = 3;

    /** The defaults every stream starts from. */
    public static final AdaptationPolicy DEFAULT = new AdaptationPolicy(1000, 500, 8, 4, "ties", true, 5, 10, 20,
            0.01, 0.5, 0.001, 0.1, REMEDIES, 0.9, 1.0, 4.0, 20_000, 0.01);

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
        between("matchAlpha", matchAlpha, 0, 1, false);
        between("matchMinRoutedShare", matchMinRoutedShare, 0, 1, false);
        between("priorShiftAlpha", priorShiftAlpha, 0, 1, false);
        between("priorShiftMinTv", priorShiftMinTv, 0, 1, true);
        between("mergeMinSimilarity", mergeMinSimilarity, -1, 1, true);
        if (!(mergeMaxDescriptorDistance >= 0) || Double.isInfinite(mergeMaxDescriptorDistance)) {
            throw new IllegalArgumentException("policy.mergeMaxDescriptorDistance must be a finite number >= 0, got "
                    + mergeMaxDescriptorDistance);
        }
        if (!(refineGrowth > 1) || Double.isInfinite(refineGrowth)) {
            throw new IllegalArgumentException("policy.refineGrowth must be a finite number > 1 (the regime's data "
                    + "grows by this factor between refinements), got " + refineGrowth);
        }
        positive("refineMaxWindow", refineMaxWindow);
        between("refineMinGain", refineMinGain, 0, 1, true);
        if (maxRemedies < 0 || maxRemedies > REMEDIES) {
            throw new IllegalArgumentException("policy.maxRemedies must be between 0 and " + REMEDIES
                    + " (distillation, head-only, higher-rank), got " + maxRemedies);
        }
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException("policy." + name + " must be at least 1, got " + value);
        }
    }

    /** {@code low < value <= high}, or {@code low <= value <= high} when {@code lowIncluded}. */
    private static void between(String name, double value, double low, double high, boolean lowIncluded) {
        boolean ok = (lowIncluded ? value >= low : value > low) && value <= high;
        if (!ok) {
            throw new IllegalArgumentException("policy." + name + " must be in " + (lowIncluded ? "[" : "(") + low
                    + ", " + high + "], got " + value);
        }
    }

    /** The defaults overridden by the keys present in {@code overrides} (a stored policy missing newer keys too). */
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
                intValue(overrides, "adapterEpochs", d.adapterEpochs()),
                doubleValue(overrides, "matchAlpha", d.matchAlpha()),
                doubleValue(overrides, "matchMinRoutedShare", d.matchMinRoutedShare()),
                doubleValue(overrides, "priorShiftAlpha", d.priorShiftAlpha()),
                doubleValue(overrides, "priorShiftMinTv", d.priorShiftMinTv()),
                intValue(overrides, "maxRemedies", d.maxRemedies()),
                doubleValue(overrides, "mergeMinSimilarity", d.mergeMinSimilarity()),
                doubleValue(overrides, "mergeMaxDescriptorDistance", d.mergeMaxDescriptorDistance()),
                doubleValue(overrides, "refineGrowth", d.refineGrowth()),
                intValue(overrides, "refineMaxWindow", d.refineMaxWindow()),
                doubleValue(overrides, "refineMinGain", d.refineMinGain()));
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

    private static double doubleValue(Map<String, Object> map, String key, double fallback) {
        Object v = map.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(v.toString());
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("policy." + key + " must be a number, got '" + v + "'");
        }
    }
}
