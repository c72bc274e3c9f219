package io.perennial.trainer.adaptation;

import static org.assertj.core.api.Assertions.assertThat;

import io.perennial.contracts.events.AdaptationEvents.Decision;
import io.perennial.trainer.policy.AdaptationPolicy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlarmDeciderTest {

    private static final AdaptationPolicy POLICY = AdaptationPolicy.DEFAULT;

    /** A regime's evidence as gpu-worker's {@code WindowAssessment.toMap()} lists it. */
    private static Map<String, Object> regime(String name, boolean archived, double share, double distance, double p,
            double conditional, double priorP, double tv) {
        Map<String, Object> r = new HashMap<>();
        r.put("regime", name);
        r.put("archived", archived);
        r.put("routedShare", share);
        r.put("meanDistance", distance);
        r.put("pValue", p);
        r.put("classConditionalPValue", conditional);
        r.put("priorShiftPValue", priorP);
        r.put("priorShiftTv", tv);
        return r;
    }

    private static Map<String, Object> assessment(Map<String, Object>... regimes) {
        return Map.of("samples", 500, "labelled", 500, "regimes", List.of(regimes));
    }

    @Test
    void aWindowThatFitsTheNearestActiveRegimeIsARecurrence() {
        AlarmDecider.Verdict v = AlarmDecider.decide(assessment(
                regime("base", false, 0.1, 4.0, 1e-9, 1e-9, 0.5, 0.01),
                regime("seg-1", false, 0.8, 1.1, 0.4, 0.6, 0.5, 0.02)), POLICY);
        assertThat(v.decision()).isEqualTo(Decision.RECURRING);
        assertThat(v.regime()).isEqualTo("seg-1");
        assertThat(v.reason()).contains("seg-1").contains("two-sample p 0.400 ≥ α_match 0.0100")
                .contains("routed share 0.800");
        assertThat(v.evidence()).containsEntry("matched", "seg-1").containsKey("assessment").containsKey("thresholds");
    }

    @Test
    void anArchivedRegimeThatRecursIsRestored() {
        AlarmDecider.Verdict v = AlarmDecider.decide(assessment(
                regime("seg-1", true, 0.9, 0.8, 0.3, 0.3, 0.6, 0.0),
                regime("seg-2", false, 0.1, 3.0, 0.0, 0.0, 0.6, 0.0)), POLICY);
        assertThat(v.decision()).isEqualTo(Decision.RESTORE);
        assertThat(v.regime()).isEqualTo("seg-1");
        assertThat(v.reason()).contains("archived regime seg-1");
    }

    @Test
    void movedPriorsWithFittingClassConditionalsAreAPriorShiftEvenWhenTheMarginalTestFails() {
        AlarmDecider.Verdict v = AlarmDecider.decide(assessment(
                regime("base", false, 0.95, 1.0, 1e-6, 0.2, 1e-5, 0.3)), POLICY);
        assertThat(v.decision()).isEqualTo(Decision.PRIOR_SHIFT);
        assertThat(v.regime()).isEqualTo("base");
        assertThat(v.reason()).contains("prior-shift p 1.00e-05 < α_prior 0.00100")
                .contains("total variation 0.300 ≥ 0.100");
    }

    @Test
    void aSmallPriorMoveIsNotAPriorShift() {
        // significant but below the minimum effect: with a fitting marginal it is a plain recurrence
        AlarmDecider.Verdict v = AlarmDecider.decide(assessment(
                regime("base", false, 0.95, 1.0, 0.2, 0.2, 1e-5, 0.05)), POLICY);
        assertThat(v.decision()).isEqualTo(Decision.RECURRING);
        // and with a failing marginal nothing matches
        assertThat(AlarmDecider.decide(assessment(regime("base", false, 0.95, 1.0, 1e-6, 0.2, 1e-5, 0.05)), POLICY)
                .decision()).isEqualTo(Decision.NEW_REGIME);
    }

    @Test
    void aRegimeThatTakesTooFewRowsOrWhoseClassesDoNotFitIsNoMatch() {
        AlarmDecider.Verdict fewRows = AlarmDecider.decide(assessment(
                regime("seg-1", false, 0.4, 1.0, 0.5, 0.5, 0.5, 0.0)), POLICY);
        assertThat(fewRows.decision()).isEqualTo(Decision.NEW_REGIME);
        assertThat(fewRows.regime()).isNull();
        assertThat(fewRows.reason()).contains("routed share 0.400 < 0.500");
        AlarmDecider.Verdict classes = AlarmDecider.decide(assessment(
                regime("seg-1", false, 0.9, 1.0, 0.5, 0.001, 1e-6, 0.5)), POLICY);
        assertThat(classes.decision()).isEqualTo(Decision.NEW_REGIME);
        assertThat(classes.reason()).contains("class-conditional p 0.00100 < α_match 0.0100");
    }

    @Test
    void onlyTheNearestRegimeCanMatch() {
        // seg-2 would fit, but seg-1 is nearer (smaller mean distance) and does not
        AlarmDecider.Verdict v = AlarmDecider.decide(assessment(
                regime("seg-1", false, 0.6, 1.0, 1e-4, 0.5, 0.5, 0.0),
                regime("seg-2", false, 0.4, 2.0, 0.5, 0.5, 0.5, 0.0)), POLICY);
        assertThat(v.decision()).isEqualTo(Decision.NEW_REGIME);
        assertThat(v.evidence()).containsEntry("nearest", "seg-1").doesNotContainKey("matched");
        // the assessment's own 'nearest' wins over mean distances
        Map<String, Object> named = new HashMap<>(assessment(regime("seg-1", false, 0.6, 1.0, 1e-4, 0.5, 0.5, 0.0),
                regime("seg-2", false, 0.6, 2.0, 0.5, 0.5, 0.5, 0.0)));
        named.put("nearest", "seg-2");
        assertThat(AlarmDecider.decide(named, POLICY).decision()).isEqualTo(Decision.RECURRING);
    }

    @Test
    void thresholdsComeFromThePolicy() {
        Map<String, Object> a = assessment(regime("seg-1", false, 0.8, 1.0, 0.02, 0.5, 0.5, 0.0));
        assertThat(AlarmDecider.decide(a, POLICY).decision()).isEqualTo(Decision.RECURRING);
        AdaptationPolicy strict = AdaptationPolicy.withOverrides(Map.of("matchAlpha", 0.05));
        assertThat(AlarmDecider.decide(a, strict).decision()).isEqualTo(Decision.NEW_REGIME);
    }

    @Test
    void noEvidenceOrAFailedAssessmentIsANewRegimeThatSaysSo() {
        assertThat(AlarmDecider.decide(null, POLICY).reason()).contains("no evidence");
        assertThat(AlarmDecider.decide(Map.of("regimes", List.of()), POLICY).decision())
                .isEqualTo(Decision.NEW_REGIME);
        // missing numbers are not a fit
        assertThat(AlarmDecider.decide(Map.of("regimes", List.of(Map.of("regime", "seg-1"))), POLICY).decision())
                .isEqualTo(Decision.NEW_REGIME);
        AlarmDecider.Verdict failed = AlarmDecider.assessmentFailed("window aged out", POLICY);
        assertThat(failed.decision()).isEqualTo(Decision.NEW_REGIME);
        assertThat(failed.reason()).contains("assessment failed (window aged out)");
        assertThat(failed.evidence()).containsEntry("assessmentFailure", "window aged out");
    }
}
