package io.perennial.trainer.adaptation;

import io.perennial.contracts.events.AdaptationEvents.Decision;
import io.perennial.trainer.policy.AdaptationPolicy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns an alarm window's assessment (gpu-worker's {@code WindowAssessment.toMap()}) and the stream's policy into the
 * alarm's one decision, with a reason an operator can read. Pure.
 *
 * <p>Only the nearest known regime (the {@code nearest} the assessment names, else the smallest {@code meanDistance})
 * can match, and only if it takes at least {@code matchMinRoutedShare} of the window's rows and its class-conditional
 * fit holds ({@code classConditionalPValue >= matchAlpha}). Then:
 * <ul>
 *   <li>an active regime whose label distribution moved ({@code priorShiftPValue < priorShiftAlpha} and
 *   {@code priorShiftTv >= priorShiftMinTv}) is a PRIOR_SHIFT;</li>
 *   <li>otherwise, when the window's inputs fit it as a whole ({@code pValue >= matchAlpha}), RECURRING (active) or
 *   RESTORE (archived);</li>
 * </ul>
 * anything else is a NEW_REGIME.
 */
public final class AlarmDecider {

    private AlarmDecider() {
    }

    /**
     * A decision.
     *
     * @param regime the matched regime for RECURRING, RESTORE and PRIOR_SHIFT; null for NEW_REGIME
     * @param evidence the assessment, the thresholds, and the nearest and matched regimes
     */
    public record Verdict(Decision decision, String regime, String reason, Map<String, Object> evidence) {
    }

    /** Decides on a succeeded assessment's result (null or without regimes: a NEW_REGIME saying so). */
    public static Verdict decide(Map<String, Object> assessment, AdaptationPolicy policy) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("thresholds", thresholds(policy));
        evidence.put("assessment", assessment);
        List<Map<String, Object>> regimes = regimes(assessment);
        if (regimes.isEmpty()) {
            return new Verdict(Decision.NEW_REGIME, null, "new regime: the assessment holds no evidence about any "
                    + "known regime", evidence);
        }
        Map<String, Object> nearest = nearest(assessment, regimes);
        String name = String.valueOf(nearest.get("regime"));
        boolean archived = Boolean.TRUE.equals(nearest.get("archived"));
        evidence.put("nearest", name);
        Double share = number(nearest, "routedShare");
        Double fit = number(nearest, "pValue");
        Double conditional = number(nearest, "classConditionalPValue");
        Double priorP = number(nearest, "priorShiftPValue");
        Double tv = number(nearest, "priorShiftTv");
        List<String> misses = new ArrayList<>();
        if (share == null || share < policy.matchMinRoutedShare()) {
            misses.add("routed share " + fmt(share) + " < " + fmt(policy.matchMinRoutedShare()));
        }
        if (conditional == null || conditional < policy.matchAlpha()) {
            misses.add("class-conditional p " + fmt(conditional) + " < α_match " + fmt(policy.matchAlpha()));
        }
        String regimeWords = (archived ? "archived" : "active") + " regime " + name;
        if (misses.isEmpty()) {
            boolean priorsMoved = priorP != null && priorP < policy.priorShiftAlpha() && tv != null
                    && tv >= policy.priorShiftMinTv();
            String fits = "routed share " + fmt(share) + " ≥ " + fmt(policy.matchMinRoutedShare())
                    + ", class-conditional p " + fmt(conditional) + " ≥ α_match " + fmt(policy.matchAlpha());
            if (priorsMoved && !archived) {
                evidence.put("matched", name);
                return new Verdict(Decision.PRIOR_SHIFT, name, "label-prior shift in " + regimeWords + ": " + fits
                        + "; prior-shift p " + fmt(priorP) + " < α_prior " + fmt(policy.priorShiftAlpha())
                        + ", total variation " + fmt(tv) + " ≥ " + fmt(policy.priorShiftMinTv()), evidence);
            }
            if (fit != null && fit >= policy.matchAlpha()) {
                evidence.put("matched", name);
                return new Verdict(archived ? Decision.RESTORE : Decision.RECURRING, name, (archived
                        ? "recurrence of archived regime " + name + " (restored): "
                        : "recurrence of active regime " + name + ": ") + "two-sample p " + fmt(fit) + " ≥ α_match "
                        + fmt(policy.matchAlpha()) + ", " + fits + (priorsMoved
                        ? "; its priors moved too (p " + fmt(priorP) + ", TV " + fmt(tv) + "), corrected once it is "
                                + "active again" : ""), evidence);
            }
            misses.add("two-sample p " + fmt(fit) + " < α_match " + fmt(policy.matchAlpha()));
        }
        return new Verdict(Decision.NEW_REGIME, null, "new regime: the nearest known regime, " + regimeWords
                + ", does not match (" + String.join("; ", misses) + ")", evidence);
    }

    /** An assessment that failed for good: a new regime, with the failure as the reason. */
    public static Verdict assessmentFailed(String failure, AdaptationPolicy policy) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("thresholds", thresholds(policy));
        evidence.put("assessmentFailure", failure == null ? "unknown" : failure);
        return new Verdict(Decision.NEW_REGIME, null, "new regime: the assessment failed (" + failure + ")", evidence);
    }

    private static Map<String, Object> thresholds(AdaptationPolicy policy) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("matchAlpha", policy.matchAlpha());
        t.put("matchMinRoutedShare", policy.matchMinRoutedShare());
        t.put("priorShiftAlpha", policy.priorShiftAlpha());
        t.put("priorShiftMinTv", policy.priorShiftMinTv());
        return t;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> regimes(Map<String, Object> assessment) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (assessment != null && assessment.get("regimes") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m && m.get("regime") != null) {
                    out.add((Map<String, Object>) m);
                }
            }
        }
        return out;
    }

    private static Map<String, Object> nearest(Map<String, Object> assessment, List<Map<String, Object>> regimes) {
        Object named = assessment.get("nearest");
        if (named instanceof Map<?, ?> m) {
            named = m.get("regime");
        }
        for (Map<String, Object> r : regimes) {
            if (named != null && named.toString().equals(String.valueOf(r.get("regime")))) {
                return r;
            }
        }
        return regimes.stream().min(Comparator.comparingDouble(r -> {
            Double d = number(r, "meanDistance");
            return d == null ? Double.POSITIVE_INFINITY : d;
        })).orElseThrow();
    }

    /** A finite number, or null when absent or not a number. */
    static Double number(Map<String, Object> map, String key) {
        Object v = map.get(key);
        if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
            return n.doubleValue();
        }
        return null;
    }

    static String fmt(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.3g", v);
    }
}
