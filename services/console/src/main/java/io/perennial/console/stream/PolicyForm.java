package io.perennial.console.stream;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The adaptation policy form: each field checked with trainer-service's bounds ({@code AdaptationPolicy}) before the
 * policy is forwarded, so a mistake is shown next to its field instead of being refused later by the trainer. Pure.
 *
 * @param policy the values to send, by field
 * @param errors what is wrong, by field (empty: valid)
 */
public record PolicyForm(Map<String, Object> policy, Map<String, String> errors) {

    /** Merge methods the ML core knows (policy form choices). */
    public static final List<String> MERGE_METHODS = List.of("ties", "task-arithmetic", "dare", "breadcrumbs",
            "magmax", "orthogonal-projection");

    /** Remedy rungs trainer-service can climb (distillation, head-only, higher-rank). */
    public static final int REMEDIES = 3;

    /** Every field the form edits; the policy's other fields are kept as they are. */
    public static final Set<String> FIELDS = Set.of("baseWindow", "minSamplesAfterDrift", "adapterRank",
            "maxAdapters", "mergeMethod", "autoPromote", "matchAlpha", "matchMinRoutedShare", "priorShiftAlpha",
            "priorShiftMinTv", "maxRemedies", "mergeMinSimilarity", "mergeMaxDescriptorDistance", "refineGrowth",
            "refineMaxWindow", "refineMinGain");

    /** A decision threshold of the form: its field and its label. */
    public record Field(String name, String label) {
    }

    /** The decision thresholds the form shows, in order, with their bounds in the label. */
    public static final List<Field> DECISION_FIELDS = List.of(
            new Field("matchAlpha", "Match level α (two-sample and class-conditional fit), in (0, 1]"),
            new Field("matchMinRoutedShare", "Routed share a match needs, in (0, 1]"),
            new Field("priorShiftAlpha", "Prior-shift test level, in (0, 1]"),
            new Field("priorShiftMinTv", "Prior shift: smallest total-variation distance, in [0, 1]"),
            new Field("maxRemedies", "Remedy rungs before STUCK, 0 to " + REMEDIES),
            new Field("mergeMinSimilarity", "Merge: smallest adapter delta cosine, in [−1, 1]"),
            new Field("mergeMaxDescriptorDistance", "Merge: largest descriptor distance, at least 0"),
            new Field("refineGrowth", "Refine when the regime's data grew by this factor, above 1"),
            new Field("refineMaxWindow", "Refine on at most this many samples, 1 or more"),
            new Field("refineMinGain", "Stop refining below this gain on the regime's probe, in [0, 1]"));

    public boolean valid() {
        return errors.isEmpty();
    }

    /** Checks the submitted form. */
    public static PolicyForm parse(Map<String, String> form) {
        PolicyForm f = new PolicyForm(new LinkedHashMap<>(), new LinkedHashMap<>());
        f.integer(form, "baseWindow", 1, 10_000_000);
        f.integer(form, "minSamplesAfterDrift", 1, 10_000_000);
        f.integer(form, "adapterRank", 1, 512);
        f.integer(form, "maxAdapters", 1, 1000);
        String method = form.getOrDefault("mergeMethod", "");
        if (!MERGE_METHODS.contains(method)) {
            f.errors.put("mergeMethod", "choose one of " + String.join(", ", MERGE_METHODS));
        } else {
            f.policy.put("mergeMethod", method);
        }
        f.policy.put("autoPromote", Set.of("on", "true").contains(form.getOrDefault("autoPromote", "")));
        // the decision thresholds, with trainer's bounds: a level or share in (0, 1], an effect size in [0, 1]; left
        // empty, a threshold is not sent and trainer's default applies
        f.decimal(form, "matchAlpha", 0, false, 1);
        f.decimal(form, "matchMinRoutedShare", 0, false, 1);
        f.decimal(form, "priorShiftAlpha", 0, false, 1);
        f.decimal(form, "priorShiftMinTv", 0, true, 1);
        if (!form.getOrDefault("maxRemedies", "").isBlank()) {
            f.integer(form, "maxRemedies", 0, REMEDIES);
        }
        f.decimal(form, "mergeMinSimilarity", -1, true, 1);
        f.decimal(form, "mergeMaxDescriptorDistance", 0, true, 1e6);
        f.decimal(form, "refineGrowth", 1, false, 1e6);
        if (!form.getOrDefault("refineMaxWindow", "").isBlank()) {
            f.integer(form, "refineMaxWindow", 1, 10_000_000);
        }
        f.decimal(form, "refineMinGain", 0, true, 1);
        return f;
    }

    private void integer(Map<String, String> form, String field, int min, int max) {
        String raw = form.getOrDefault(field, "").trim();
        try {
            int v = Integer.parseInt(raw);
            if (v < min || v > max) {
                errors.put(field, "must be between " + min + " and " + max);
            } else {
                policy.put(field, v);
            }
        } catch (NumberFormatException ex) {
            errors.put(field, raw.isEmpty() ? "is required" : "must be a whole number");
        }
    }

    /** A number in {@code (low, high]}, or {@code [low, high]} when {@code lowIncluded}; empty: not sent. */
    private void decimal(Map<String, String> form, String field, double low, boolean lowIncluded, double high) {
        String raw = form.getOrDefault(field, "").trim();
        if (raw.isEmpty()) {
            return;
        }
        double v;
        try {
            v = Double.parseDouble(raw);
        } catch (NumberFormatException ex) {
            errors.put(field, "must be a number");
            return;
        }
        boolean ok = (lowIncluded ? v >= low : v > low) && v <= high;
        if (!ok) {
            errors.put(field, "must be " + (lowIncluded ? "at least " : "greater than ") + num(low) + " and at most "
                    + num(high));
        } else {
            policy.put(field, v);
        }
    }

    private static String num(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
