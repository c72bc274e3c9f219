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

    @Test
    void archivedSegmentsAreNotGatedAndTheVerdictSaysSo() {
        // seg-2 archived: its NFR pushed the overall rate to 0.2 and it dropped; the active segments are fine
        GateEvaluator.Result r = GateEvaluator.evaluate(STRICT,
                archivedReport(List.of("seg-2"), 0.2, 0.01, 0.03), 3, false);
        assertThat(r.passed()).isTrue();
        assertThat(r.conditions()).extracting(GateEvaluator.Condition::name).containsExactly("serving-version",
                "archived-segments", "max-negative-flip-rate", "max-forgetting", "min-newest-accuracy",
                "min-improvement");
        assertThat(r.conditions().get(1).detail()).startsWith("seg-2 archived: not gated");
        GateEvaluator.Condition nfr = r.conditions().get(2);
        assertThat(nfr.actual()).isEqualTo(0.01);
        assertThat(nfr.detail()).contains("segments not archived");
        assertThat(r.conditions().get(3).detail()).contains("archived segments not counted");
    }

    @Test
    void aDropOnASegmentThatIsNotArchivedIsStillRefused() {
        GateEvaluator.Result flips = GateEvaluator.evaluate(STRICT,
                archivedReport(List.of("seg-1", "seg-2"), 0.2, 0.05, 0.0), 3, false);
        assertThat(flips.failed()).extracting(GateEvaluator.Condition::name)
                .containsExactly("max-negative-flip-rate");
        assertThat(flips.failed().get(0).actual()).isEqualTo(0.05);
        assertThat(flips.conditions().get(1).detail()).startsWith("seg-1, seg-2 archived: not gated");
        GateEvaluator.Result forgetting = GateEvaluator.evaluate(STRICT,
                archivedReport(List.of("seg-2"), 0.01, 0.01, 0.06), 3, false);
        assertThat(forgetting.failed()).extracting(GateEvaluator.Condition::name).containsExactly("max-forgetting");
    }

    @Test
    void withoutPerProbeFlipRatesTheOverallRateIsBoundedArchivedProbesIncluded() {
        GateEvaluator.Result r = GateEvaluator.evaluate(new GatePolicy(0.02, null, null, null),
                archivedReport(List.of("seg-2"), 0.2, null, 0.0), 3, false);
        assertThat(r.failed()).extracting(GateEvaluator.Condition::name).containsExactly("max-negative-flip-rate");
        assertThat(r.failed().get(0).actual()).isEqualTo(0.2);
        assertThat(r.failed().get(0).detail()).contains("archived ones included");
    }

    @Test
    void improvementLeavesArchivedSegmentsOutLikeForgettingAndFlips() {
        GatePolicy improvementOnly = new GatePolicy(null, null, null, 0.0);
        // overall PFR − NFR is −0.05 (the archived regime's probe lost more than the others gained); on the probes
        // still served the gain is +0.02
        GateEvaluator.Result r = GateEvaluator.evaluate(improvementOnly,
                report(3, 0.10, 0.05, 0.0, 0.9, List.of("seg-2"), 0.01, 0.02), 3, false);
        assertThat(r.passed()).isTrue();
        assertThat(r.conditions()).extracting(GateEvaluator.Condition::name).containsExactly("serving-version",
                "archived-segments", "min-improvement");
        assertThat(r.conditions().get(1).detail()).contains("improvement skip archived segments");
        GateEvaluator.Condition gain = r.conditions().get(2);
        assertThat(gain.actual()).isEqualTo(0.02);
        assertThat(gain.detail()).contains("on the segments not archived");
        // a loss on the served probes is still refused
        GateEvaluator.Result loss = GateEvaluator.evaluate(improvementOnly,
                report(3, 0.10, 0.05, 0.0, 0.9, List.of("seg-2"), 0.03, -0.01), 3, false);
        assertThat(loss.failed()).extracting(GateEvaluator.Condition::name).containsExactly("min-improvement");
        assertThat(loss.failed().get(0).actual()).isEqualTo(-0.01);
        // without per-probe rates the overall gain is bounded, archived probes included
        GateEvaluator.Result overall = GateEvaluator.evaluate(improvementOnly,
                report(3, 0.10, 0.05, 0.0, 0.9, List.of("seg-2"), null, null), 3, false);
        assertThat(overall.failed()).extracting(GateEvaluator.Condition::name).containsExactly("min-improvement");
        assertThat(overall.failed().get(0).actual()).isCloseTo(-0.05, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(overall.failed().get(0).detail()).contains("archived ones included");
        // nothing archived: the overall gain, as before
        GateEvaluator.Result plain = GateEvaluator.evaluate(improvementOnly,
                report(3, 0.10, 0.05, 0.0, 0.9, List.of(), 0.10, 0.02), 3, false);
        assertThat(plain.failed()).extracting(GateEvaluator.Condition::name).containsExactly("min-improvement");
    }

    @Test
    void aGateWithoutForgettingOrFlipBoundsHasNothingToSkip() {
        GateEvaluator.Result r = GateEvaluator.evaluate(new GatePolicy(null, null, 0.8, null),
                archivedReport(List.of("seg-2"), 0.2, 0.01, 0.3), 3, false);
        assertThat(r.passed()).isTrue();
        assertThat(r.conditions()).extracting(GateEvaluator.Condition::name).containsExactly("serving-version",
                "min-newest-accuracy");
    }

    static Evaluation report(Integer serving, Double nfr, Double pfr, double maxForgetting, double newest) {
        return report(serving, nfr, pfr, maxForgetting, newest, List.of(), nfr,
                nfr == null ? null : pfr - nfr);
    }

    /** A report against production 3 whose maxForgetting already leaves the archived segments out. */
    static Evaluation archivedReport(List<String> archived, double nfr, Double activeNfr, double maxForgetting) {
        return report(3, nfr, nfr + 0.05, maxForgetting, 0.9, archived, activeNfr,
                activeNfr == null ? null : nfr + 0.05 - activeNfr);
    }

    static Evaluation report(Integer serving, Double nfr, Double pfr, double maxForgetting, double newest,
            List<String> archived, Double activeNfr, Double activeImprovement) {
        EvaluationSummary s = new EvaluationSummary(0.9, "s1", newest, -maxForgetting, maxForgetting, maxForgetting,
                "s0", 1, false, nfr, pfr, nfr == null ? null : pfr - nfr, nfr == null ? null : 100, null, null, null,
                archived, activeNfr, activeImprovement);
        return new Evaluation(7, "m", 4, serving, List.of(), s, "t", Instant.now());
    }
}
