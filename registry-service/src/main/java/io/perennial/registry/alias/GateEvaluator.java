package io.perennial.registry.alias;

import io.perennial.registry.evaluation.Evaluation;
import io.perennial.registry.evaluation.EvaluationSummary;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates a promotion gate on a candidate's latest evaluation report. Pure logic.
 *
 * <p>Conditions, in order: {@code evaluation} (a report exists; required only when the policy has thresholds, and not
 * for the first version ever to serve unless the policy sets an accuracy floor),
 * {@code serving-version} (the report's flip rates were measured against the version serving now: a report made
 * against an older production is stale), {@code archived-segments} (only when the report marks segments archived
 * and the gate bounds forgetting, flips or improvement: it passes and says which segments those conditions skip),
 * then one condition per threshold. Flip-rate conditions pass when nothing is serving yet (there is nothing to break).
 *
 * <p>Archived segments: a regime archived on purpose (not seen recently; a recurrence restores it) is expected to
 * lose accuracy, so {@code max-forgetting} reads the report's {@code maxForgetting}, which leaves archived segments
 * out, {@code max-negative-flip-rate} reads {@code activeNegativeFlipRate}, the rate over the other probes, and
 * {@code min-improvement} reads {@code activeImprovement}, PFR − NFR over those probes (a regime no longer served
 * may lose accuracy without cancelling the gain on the served ones). When those could not be computed (a probe
 * without per-probe rates), the overall rates are bounded instead, archived probes included, and the condition says
 * so: never less strict than without archiving.
 */
public final class GateEvaluator {

    /** One checked condition. {@code actual} and {@code threshold} are null when they do not apply. */
    public record Condition(String name, boolean passed, Double threshold, Double actual, String detail) {
    }

    /** The gate's verdict. */
    public record Result(boolean passed, List<Condition> conditions) {

        /** The conditions that failed. */
        public List<Condition> failed() {
            return conditions.stream().filter(c -> !c.passed()).toList();
        }
    }

    private GateEvaluator() {
    }

    /**
     * @param production the version serving now, or null
     * @param firstToServe no version of the model has ever served: flip rates, improvement and forgetting then have
     *     nothing to be measured against, so a version without a report (an uploaded base) passes unless the gate
     *     sets an accuracy floor, which only a report can show
     */
    public static Result evaluate(GatePolicy policy, Evaluation report, Integer production, boolean firstToServe) {
        List<Condition> out = new ArrayList<>();
        if (report == null) {
            boolean vacuous = firstToServe && production == null && policy.minNewestAccuracy() == null;
            out.add(new Condition("evaluation", !policy.hasThresholds() || vacuous, null, null,
                    !policy.hasThresholds() ? "no evaluation report; the model's gate has no thresholds"
                            : vacuous ? "no evaluation report; nothing has served yet, so there are no flip rates "
                                    + "or forgetting to measure, and the gate sets no accuracy floor"
                            : "the version has no evaluation report, and the model's gate has thresholds"
                                    + (firstToServe ? " (min-newest-accuracy needs a report)" : "")));
            return new Result(out.stream().allMatch(Condition::passed), out);
        }
        boolean current = java.util.Objects.equals(report.servingVersion(), production);
        out.add(new Condition("serving-version", current, null, null, current
                ? "evaluated against the serving version " + (production == null ? "(none)" : production)
                : "evaluation " + report.id() + " compared against version " + report.servingVersion()
                        + " but production is " + (production == null ? "unset" : "version " + production)
                        + "; evaluate again"));
        EvaluationSummary s = report.summary();
        boolean archived = !s.archivedSegments().isEmpty();
        if (archived && (policy.maxNegativeFlipRate() != null || policy.maxForgetting() != null
                || policy.minImprovement() != null)) {
            out.add(new Condition("archived-segments", true, null, (double) s.archivedSegments().size(),
                    String.join(", ", s.archivedSegments()) + " archived: not gated (forgetting, negative flip "
                            + "rate and improvement skip archived segments; the accuracy matrix still shows them)"));
        }
        if (policy.maxNegativeFlipRate() != null) {
            out.add(production == null
                    ? new Condition("max-negative-flip-rate", true, policy.maxNegativeFlipRate(), null,
                            "nothing is serving yet")
                    : s.negativeFlipRate() == null
                            ? new Condition("max-negative-flip-rate", false, policy.maxNegativeFlipRate(), null,
                                    "the report has no flip rates against the serving version")
                    : !archived
                            ? atMost("max-negative-flip-rate", s.negativeFlipRate(), policy.maxNegativeFlipRate(),
                                    "negative flip rate")
                    : s.activeNegativeFlipRate() != null
                            ? atMost("max-negative-flip-rate", s.activeNegativeFlipRate(),
                                    policy.maxNegativeFlipRate(), "negative flip rate on the segments not archived")
                            : atMost("max-negative-flip-rate", s.negativeFlipRate(), policy.maxNegativeFlipRate(),
                                    "negative flip rate over every probe, archived ones included (the report has "
                                            + "no per-probe flip rates to leave them out)"));
        }
        if (policy.maxForgetting() != null) {
            out.add(atMost("max-forgetting", s.maxForgetting(), policy.maxForgetting(), "forgetting on segment "
                    + (s.maxForgettingSegment() == null ? "(none old)" : "'" + s.maxForgettingSegment() + "'")
                    + (archived ? " (archived segments not counted)" : "")));
        }
        if (policy.minNewestAccuracy() != null) {
            out.add(atLeast("min-newest-accuracy", s.newestAccuracy(), policy.minNewestAccuracy(),
                    "accuracy on the newest segment '" + s.newestSegment() + "'"));
        }
        if (policy.minImprovement() != null) {
            out.add(production == null
                    ? new Condition("min-improvement", true, policy.minImprovement(), null, "nothing is serving yet")
                    : s.improvement() == null
                            ? new Condition("min-improvement", false, policy.minImprovement(), null,
                                    "the report has no flip rates against the serving version")
                    : !archived
                            ? atLeast("min-improvement", s.improvement(), policy.minImprovement(),
                                    "accuracy gain over the serving version (PFR − NFR)")
                    : s.activeImprovement() != null
                            ? atLeast("min-improvement", s.activeImprovement(), policy.minImprovement(),
                                    "accuracy gain over the serving version (PFR − NFR) on the segments not archived")
                            : atLeast("min-improvement", s.improvement(), policy.minImprovement(),
                                    "accuracy gain over the serving version (PFR − NFR) over every probe, archived "
                                            + "ones included (the report has no per-probe flip rates to leave them "
                                            + "out)"));
        }
        return new Result(out.stream().allMatch(Condition::passed), out);
    }

    private static Condition atMost(String name, double actual, double threshold, String what) {
        boolean ok = actual <= threshold;
        return new Condition(name, ok, threshold, actual, what + " " + fmt(actual) + (ok ? " ≤ " : " > ")
                + fmt(threshold));
    }

    private static Condition atLeast(String name, double actual, double threshold, String what) {
        boolean ok = actual >= threshold;
        return new Condition(name, ok, threshold, actual, what + " " + fmt(actual) + (ok ? " ≥ " : " < ")
                + fmt(threshold));
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.4f", v);
    }
}
