package io.perennial.registry.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.perennial.formats.metrics.AccuracyMatrix;
import io.perennial.registry.evaluation.ContinualMetrics.Row;
import io.perennial.registry.evaluation.ContinualMetrics.Summary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ContinualMetricsTest {

    @Test
    void aCompleteLowerTriangleGivesExactlyTheAccuracyMatrixFormulas() {
        Random random = new Random(3);
        for (int trial = 0; trial < 50; trial++) {
            int t = 2 + random.nextInt(6);
            double[][] r = new double[t][t];
            for (int i = 0; i < t; i++) {
                for (int j = 0; j <= i; j++) {
                    r[i][j] = Math.round(random.nextDouble() * 1000) / 1000.0;
                }
            }
            List<Row> ancestors = new ArrayList<>();
            for (int i = 0; i < t - 1; i++) {
                ancestors.add(row(r[i], i + 1));
            }
            Summary s = ContinualMetrics.compute(ancestors, row(r[t - 1], t));
            AccuracyMatrix m = AccuracyMatrix.of(r);
            assertThat(s.fromAccuracyMatrix()).isTrue();
            assertThat(s.backwardTransfer()).isCloseTo(m.backwardTransfer(), within(1e-12));
            assertThat(s.forgetting()).isCloseTo(m.forgetting(), within(1e-12));
            assertThat(s.averageAccuracy()).isCloseTo(m.averageAccuracy(), within(1e-12));
            // the general per-segment form agrees with the matrix when every row is there
            Summary general = ContinualMetrics.general(ancestors, row(r[t - 1], t));
            assertThat(general.fromAccuracyMatrix()).isFalse();
            assertThat(general.backwardTransfer()).isCloseTo(m.backwardTransfer(), within(1e-12));
            assertThat(general.forgetting()).isCloseTo(m.forgetting(), within(1e-12));
            assertThat(ContinualMetrics.compute(withExtraRoot(ancestors), row(r[t - 1], t)).fromAccuracyMatrix())
                    .isTrue();
            assertThat(s.segmentsWithHistory()).isEqualTo(t - 1);
        }
    }

    @Test
    void missingAncestorRowsUseTheSegmentsThatHaveHistory() {
        // version 1 learned s0 (0.9); version 2 was never evaluated; version 3 learned s2 and now sees all three
        List<Row> ancestors = List.of(row("s0", 0.9));
        Row candidate = row("s0", 0.8, "s1", 0.7, "s2", 0.95);
        Summary s = ContinualMetrics.compute(ancestors, candidate);
        assertThat(s.fromAccuracyMatrix()).isFalse();
        assertThat(s.segmentsWithHistory()).isEqualTo(1);
        assertThat(s.backwardTransfer()).isCloseTo(-0.1, within(1e-12));
        assertThat(s.forgetting()).isCloseTo(0.1, within(1e-12));
        assertThat(s.maxForgetting()).isCloseTo(0.1, within(1e-12));
        assertThat(s.maxForgettingSegment()).isEqualTo("s0");
        assertThat(s.newestSegment()).isEqualTo("s2");
        assertThat(s.newestAccuracy()).isEqualTo(0.95);
        assertThat(s.averageAccuracy()).isCloseTo((0.8 + 0.7 + 0.95) / 3, within(1e-12));
    }

    @Test
    void forgettingIsMeasuredFromTheBestAncestorAndLearnedAccuracyFromTheOwner() {
        // s0 learned at 0.8 by v1, improved to 0.9 in v2, now 0.85: BWT +0.05 (vs learned), forgetting 0.05 (vs best)
        List<Row> ancestors = List.of(row("s0", 0.8), row("s0", 0.9, "s1", 0.7));
        Summary s = ContinualMetrics.compute(ancestors, row("s0", 0.85, "s1", 0.6, "s2", 0.9));
        assertThat(s.backwardTransfer()).isCloseTo(((0.85 - 0.8) + (0.6 - 0.7)) / 2, within(1e-12));
        assertThat(s.forgetting()).isCloseTo(((0.9 - 0.85) + (0.7 - 0.6)) / 2, within(1e-12));
        assertThat(s.maxForgetting()).isCloseTo(0.1, within(1e-12));
        assertThat(s.maxForgettingSegment()).isEqualTo("s1");
    }

    @Test
    void aFirstVersionHasNoForgetting() {
        Summary s = ContinualMetrics.compute(List.of(), row("s0", 0.93));
        assertThat(s.backwardTransfer()).isZero();
        assertThat(s.forgetting()).isZero();
        assertThat(s.maxForgetting()).isZero();
        assertThat(s.maxForgettingSegment()).isNull();
    }

    @Test
    void flipRatesPoolBySampleCount() {
        var pooled = ContinualMetrics.pool(List.of(
                new EvaluationRequest.SegmentResult("a", 0.9, 0.05, 100, 0.02, 0.04, null),
                new EvaluationRequest.SegmentResult("b", 0.8, 0.10, 300, 0.06, 0.00, null)));
        assertThat(pooled.negative()).isCloseTo((0.02 * 100 + 0.06 * 300) / 400, within(1e-12));
        assertThat(pooled.positive()).isCloseTo(0.01, within(1e-12));
        assertThat(pooled.samples()).isEqualTo(400);
        assertThat(ContinualMetrics.pooledCalibrationError(List.of(
                new EvaluationRequest.SegmentResult("a", 0.9, 0.05, 100, null, null, null),
                new EvaluationRequest.SegmentResult("b", 0.8, 0.10, 300, null, null, null)))).isCloseTo(0.0875,
                        within(1e-12));
        assertThat(ContinualMetrics.pool(List.of(new EvaluationRequest.SegmentResult("a", 0.9, null, 10, null,
                null, null)))).isNull();
    }

    @Test
    void archivedSegmentsAreLeftOutOfForgettingButStayInAccuracyAndBackwardTransfer() {
        // v1 learned s0 (0.9), v2 learned s1 (0.8); the candidate archived s0's regime (0.5) and keeps s1 at 0.75
        List<Row> ancestors = List.of(row("s0", 0.9), row("s0", 0.88, "s1", 0.8));
        Row candidate = archivedRow(Set.of("s0"), "s0", 0.5, "s1", 0.75, "s2", 0.9);
        Summary s = ContinualMetrics.compute(ancestors, candidate);
        assertThat(s.archivedSegments()).containsExactly("s0");
        assertThat(s.forgetting()).isCloseTo(0.05, within(1e-12));
        assertThat(s.maxForgetting()).isCloseTo(0.05, within(1e-12));
        assertThat(s.maxForgettingSegment()).isEqualTo("s1");
        assertThat(s.backwardTransfer()).isCloseTo(((0.5 - 0.9) + (0.75 - 0.8)) / 2, within(1e-12));
        assertThat(s.segmentsWithHistory()).isEqualTo(2);
        assertThat(s.averageAccuracy()).isCloseTo((0.5 + 0.75 + 0.9) / 3, within(1e-12));
        // the triangle is complete, but AccuracyMatrix would count s0's drop: the per-segment form is used
        assertThat(s.fromAccuracyMatrix()).isFalse();
        Summary unarchived = ContinualMetrics.compute(ancestors, row("s0", 0.5, "s1", 0.75, "s2", 0.9));
        assertThat(unarchived.fromAccuracyMatrix()).isTrue();
        assertThat(unarchived.maxForgetting()).isCloseTo(0.4, within(1e-12));
        assertThat(unarchived.backwardTransfer()).isCloseTo(s.backwardTransfer(), within(1e-12));
    }

    @Test
    void whenEveryOldSegmentIsArchivedNothingIsForgotten() {
        Summary s = ContinualMetrics.compute(List.of(row("s0", 0.9)),
                archivedRow(Set.of("s0"), "s0", 0.1, "s1", 0.9));
        assertThat(s.forgetting()).isZero();
        assertThat(s.maxForgetting()).isZero();
        assertThat(s.maxForgettingSegment()).isNull();
        assertThat(s.backwardTransfer()).isCloseTo(-0.8, within(1e-12));
    }

    @Test
    void theGatedFlipRateLeavesArchivedProbesOut() {
        var overall = new io.perennial.formats.metrics.FlipRates(0.2, 0.1, 400);
        List<EvaluationRequest.SegmentResult> probes = List.of(
                new EvaluationRequest.SegmentResult("a", 0.5, null, 100, 0.5, 0.0, true),
                new EvaluationRequest.SegmentResult("b", 0.8, null, 100, 0.02, 0.04, false),
                new EvaluationRequest.SegmentResult("c", 0.9, null, 300, 0.06, 0.0, null));
        var active = ContinualMetrics.poolActive(probes, overall);
        assertThat(active.negative()).isCloseTo((0.02 * 100 + 0.06 * 300) / 400, within(1e-12));
        assertThat(active.samples()).isEqualTo(400);
        // nothing archived: the report's own overall rates
        assertThat(ContinualMetrics.poolActive(probes.subList(1, 3), overall)).isSameAs(overall);
        // an active probe without rates: nothing to leave the archived probe out of
        assertThat(ContinualMetrics.poolActive(List.of(probes.get(0),
                new EvaluationRequest.SegmentResult("b", 0.8, null, 100, null, null, null)), overall)).isNull();
        assertThat(Row.of(probes).archived()).containsExactly("a");
        assertThat(probes.get(2).archived()).isFalse();
    }

    private static List<Row> withExtraRoot(List<Row> ancestors) {
        List<Row> out = new ArrayList<>();
        out.add(new Row(new LinkedHashMap<>()));
        out.addAll(ancestors);
        return out;
    }

    private static Row row(double[] values, int n) {
        LinkedHashMap<String, Double> m = new LinkedHashMap<>();
        for (int j = 0; j < n; j++) {
            m.put("s" + j, values[j]);
        }
        return new Row(m);
    }

    private static Row archivedRow(Set<String> archived, Object... pairs) {
        return new Row(row(pairs).accuracies(), archived);
    }

    private static Row row(Object... pairs) {
        LinkedHashMap<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], (Double) pairs[i + 1]);
        }
        return new Row(m);
    }
}
