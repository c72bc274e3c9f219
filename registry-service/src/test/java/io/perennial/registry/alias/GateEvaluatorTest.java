package io.perennial.registry.alias;

import static org.assertj.core.api.Assertions.assertThat;

import io.perennial.registry.evaluation.Evaluation;
import io.perennial.registry.evaluation.EvaluationSummary;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class GateEvaluatorTest {

    static final GatePolicy STRICT = new GatePolicy(0.02, 0.05, 0.8, 0.0);

    @Test
    void aGoodCandidatePassesEveryCondition() {
        GateEvaluator.Result r = GateEvaluator.evaluate(STRICT, report(3, 0.01, 0.03, 0.02, 0.9), 3, false);
        assertThat(r.passed()).isTrue();
        assertThat(r.conditions()).extracting(GateEvaluator.Condition::name).containsExactly("serving-version",
                "max-negative-flip-rate", "max-forgetting", "min-newest-accuracy", "min-improvement");
    }

    @Test
    void eachThresholdFailsOnItsOwn() {
        assertThat(GateEvaluator.evaluate(STRICT, report(3, 0.03, 0.05, 0.0, 0.9), 3, false).failed())
                .extracting(GateEvaluator.Condition::name).containsExactly("max-negative-flip-rate");
        assertThat(GateEvaluator.evaluate(STRICT, report(3, 0.0, 0.01, 0.06, 0.9), 3, false).failed())
                .extracting(GateEvaluator.Condition::name).containsExactly("max-forgetting");
        assertThat(GateEvaluator.evaluate(STRICT, report(3, 0.0, 0.01, 0.0, 0.7), 3, false).failed())
                .extracting(GateEvaluator.Condition::name).containsExactly("min-newest-accuracy");
        GateEvaluator.Result worse = GateEvaluator.evaluate(STRICT, report(3, 0.02, 0.01, 0.0, 0.9), 3, false);
        assertThat(worse.failed()).extracting(GateEvaluator.Condition::name).containsExactly("min-improvement");
        assertThat(worse.failed().get(0).actual()).isCloseTo(-0.01, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void aReportAgainstAnOlderProductionIsStale() {
        GateEvaluator.Result r = GateEvaluator.evaluate(STRICT, report(2, 0.0, 0.05, 0.0, 0.9), 3, false);
        assertThat(r.passed()).isFalse();
        assertThat(r.failed()).extracting(GateEvaluator.Condition::name).containsExactly("serving-version");
        assertThat(r.failed().get(0).detail()).contains("production is version 3");
    }

    @Test
    void flipConditionsPassWhenNothingServesAndFailWithoutFlipRates() {
        assertThat(GateEvaluator.evaluate(STRICT, report(null, null, null, 0.0, 0.9), null, false).passed())
                .isTrue();
        assertThat(GateEvaluator.evaluate(STRICT, report(3, null, null, 0.0, 0.9), 3, false).failed())
                .extracting(GateEvaluator.Condition::name)
                .containsExactly("max-negative-flip-rate", "min-improvement");
    }

    @Test
    void withoutAReportOnlyAGateWithoutThresholdsPasses() {
        assertThat(GateEvaluator.evaluate(GatePolicy.NONE, null, 1, false).passed()).isTrue();
        GateEvaluator.Result r = GateEvaluator.evaluate(STRICT, null, 1, false);
        assertThat(r.passed()).isFalse();
        assertThat(r.failed()).extracting(GateEvaluator.Condition::name).containsExactly("evaluation");
    }

    @Test
    void theFirstVersionToServeNeedsNoReportUnlessTheGateSetsAnAccuracyFloor() {
        GatePolicy keepWhatItKnew = new GatePolicy(0.05, 0.10, null, null);
        assertThat(GateEvaluator.evaluate(keepWhatItKnew, null, null, true).passed()).isTrue();
        // something served before (now or earlier): forgetting and flips need a report
        assertThat(GateEvaluator.evaluate(keepWhatItKnew, null, null, false).failed())
                .extracting(GateEvaluator.Condition::name).containsExactly("evaluation");
        assertThat(GateEvaluator.evaluate(keepWhatItKnew, null, 2, true).passed()).isFalse();
        // an accuracy floor can only be checked on a report
        GateEvaluator.Result floor = GateEvaluator.evaluate(STRICT, null, null, true);
        assertThat(floor.passed()).isFalse();
        assertThat(floor.failed().get(0).detail()).contains("min-newest-accuracy needs a report");
    }

    static Evaluation report(Integer serving, Double nfr, Double pfr, double maxForgetting, double newest) {
        EvaluationSummary s = new EvaluationSummary(0.9, "s1", newest, -maxForgetting, maxForgetting, maxForgetting,
                "s0", 1, false, nfr, pfr, nfr == null ? null : pfr - nfr, nfr == null ? null : 100, null, null, null);
        return new Evaluation(7, "m", 4, serving, List.of(), s, "t", Instant.now());
    }
}
