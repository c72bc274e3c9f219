package io.perennial.worker.job;

import io.perennial.formats.metrics.FlipRates;
import io.perennial.formats.spec.ModelFamilySpec;
import io.perennial.learning.ContinualLearner;
import io.perennial.learning.evaluation.ProbeReport;
import io.perennial.learning.lora.LoraAdapter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The evaluation report attached to a registered version ({@code POST .../evaluations}). Pure. */
final class EvaluationReport {

    private EvaluationReport() {
    }

    /**
     * @param probes the probes evaluated on, in the order of {@code report}'s rows
     * @param serving the version the flip rates compare with, or null
     * @param latencyMs routed prediction time of a batch of 32
     * @param archivedSegments segments whose regime the candidate archived: flagged {@code "archived": true}, which
     *     the gate's forgetting and flip conditions skip (the accuracy matrix still shows them)
     */
    static Map<String, Object> of(List<SegmentProbe> probes, ProbeReport report, Integer serving, double latencyMs,
            ContinualLearner candidate, ModelFamilySpec family, Set<String> archivedSegments) {
        List<Map<String, Object>> segments = new ArrayList<>();
        for (int i = 0; i < probes.size(); i++) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("segment", probes.get(i).segment());
            s.put("accuracy", report.accuracies().get(i));
            s.put("calibrationError", clamp01(report.expectedCalibrationErrors().get(i)));
            s.put("samples", probes.get(i).data().size());
            if (!report.flips().isEmpty()) {
                FlipRates f = report.flips().get(i);
                s.put("negativeFlipRate", f.negative());
                s.put("positiveFlipRate", f.positive());
            }
            if (archivedSegments.contains(probes.get(i).segment())) {
                s.put("archived", true);
            }
            segments.add(s);
        }
        endWithAnActiveSegment(segments);
        Map<String, Object> e = new LinkedHashMap<>();
        if (serving != null) {
            e.put("servingVersion", serving);
        }
        e.put("segments", segments);
        if (report.overallFlips() != null) {
            FlipRates f = report.overallFlips();
            e.put("flips", Map.of("negative", f.negative(), "positive", f.positive(), "samples", f.samples()));
        }
        e.put("latencyMs", latencyMs);
        long params = family.parameterCount();
        for (LoraAdapter a : candidate.adapters().values()) {
            params += a.parameterCount();
        }
        e.put("parameterCount", params);
        return e;
    }

    /**
     * The registry reads the last row as the segment the version learned and refuses it archived. A version that
     * learned nothing ({@code archive}) may have archived the regime of the newest probe: the newest active row
     * moves to the end instead (the rows keep their order otherwise). Nothing moves when every row is archived.
     */
    static void endWithAnActiveSegment(List<Map<String, Object>> rows) {
        if (rows.isEmpty() || !isArchived(rows.get(rows.size() - 1))) {
            return;
        }
        for (int i = rows.size() - 2; i >= 0; i--) {
            if (!isArchived(rows.get(i))) {
                rows.add(rows.remove(i));
                return;
            }
        }
    }

    private static boolean isArchived(Map<String, Object> row) {
        return Boolean.TRUE.equals(row.get("archived"));
    }

    private static double clamp01(double v) {
        return Double.isFinite(v) ? Math.max(0, Math.min(1, v)) : 0;
    }
}
