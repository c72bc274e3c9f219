package io.perennial.registry.evaluation;

import io.perennial.formats.metrics.AccuracyMatrix;
import io.perennial.formats.metrics.FlipRates;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The continual-learning summary of one evaluation, computed from its accuracy row and the rows of the version's
 * ancestors (its lineage, oldest first).
 *
 * <p>Each row maps segments to accuracy, in segment order; a row's last segment is the one that version learned.
 * With {@code T} segments in the candidate's row, for every old segment {@code j} ({@code j < T-1}):
 * {@code learned_j} is the accuracy on {@code j} of the first ancestor whose newest segment is {@code j} (else the
 * first ancestor evaluated on {@code j}), {@code best_j} the best accuracy any ancestor had on {@code j}. Then
 *
 * <pre>
 * ACC = (1/T) Σ_j R[j]                        (the candidate's row)
 * BWT = mean_j (R[j] − learned_j)
 * F   = mean_j (best_j − R[j])                 maxForgetting = max_j (best_j − R[j])
 * </pre>
 *
 * <p>over the old segments that have an ancestor result. When the ancestors' rows form the lower triangle of the
 * accuracy matrix (ancestor {@code k} evaluated on segments {@code 0..k}), these are exactly
 * {@link AccuracyMatrix#backwardTransfer()} and {@link AccuracyMatrix#forgetting()}, which are then used.
 *
 * <p><b>Archived segments.</b> A segment the candidate marks archived (its regime deliberately taken out of routing
 * because it was not seen recently; a recurrence restores it) is left out of {@code F} and {@code maxForgetting}:
 * forgetting measures what a version loses without meaning to, and is what the promotion gate bounds, while the drop
 * on an archived segment is the intended cost of archiving. It stays in {@code ACC} and {@code BWT}, which describe
 * the whole row as it is (BWT then still shows what archiving cost), and in the accuracy matrix. With an archived
 * old segment the per-segment form is used ({@code fromAccuracyMatrix} false), since {@link AccuracyMatrix} knows
 * no archiving; its BWT equals the matrix's on a complete triangle.
 */
public final class ContinualMetrics {

    /** One evaluated row: segment to accuracy, in segment order, and the segments it marks archived. */
    public record Row(LinkedHashMap<String, Double> accuracies, Set<String> archived) {

        public Row {
            archived = Set.copyOf(archived);
        }

        /** A row with no archived segment. */
        public Row(LinkedHashMap<String, Double> accuracies) {
            this(accuracies, Set.of());
        }

        /** The row of a report's segment results. */
        public static Row of(List<EvaluationRequest.SegmentResult> segments) {
            LinkedHashMap<String, Double> row = new LinkedHashMap<>();
            Set<String> archived = new LinkedHashSet<>();
            for (EvaluationRequest.SegmentResult s : segments) {
                row.put(s.segment(), s.accuracy());
                if (s.archived()) {
                    archived.add(s.segment());
                }
            }
            return new Row(row, archived);
        }

        /** The segment this row's version learned (its last). */
        public String newest() {
            String last = null;
            for (String s : accuracies.keySet()) {
                last = s;
            }
            return last;
        }
    }

    /**
     * The summary.
     *
     * @param segmentsWithHistory how many old segments had an ancestor result (0: BWT and forgetting are 0)
     * @param fromAccuracyMatrix whether the lower triangle was complete and {@link AccuracyMatrix} computed BWT/F
     * @param archivedSegments the candidate's archived segments, in row order (not in forgetting)
     */
    public record Summary(double averageAccuracy, String newestSegment, double newestAccuracy,
            double backwardTransfer, double forgetting, double maxForgetting, String maxForgettingSegment,
            int segmentsWithHistory, boolean fromAccuracyMatrix, List<String> archivedSegments) {
    }

    private ContinualMetrics() {
    }

    /** Computes the summary of {@code candidate} given its ancestors' rows, oldest first. */
    public static Summary compute(List<Row> ancestors, Row candidate) {
        Summary s = general(ancestors, candidate);
        if (!s.archivedSegments().isEmpty()) {
            return s;
        }
        AccuracyMatrix matrix = triangle(ancestors, candidate, new ArrayList<>(candidate.accuracies().keySet()));
        if (matrix == null) {
            return s;
        }
        return new Summary(s.averageAccuracy(), s.newestSegment(), s.newestAccuracy(), matrix.backwardTransfer(),
                matrix.forgetting(), s.maxForgetting(), s.maxForgettingSegment(), s.segmentsWithHistory(), true,
                s.archivedSegments());
    }

    /** The per-segment form, whatever rows the ancestors have. */
    static Summary general(List<Row> ancestors, Row candidate) {
        List<String> segments = new ArrayList<>(candidate.accuracies().keySet());
        int t = segments.size();
        if (t == 0) {
            throw new IllegalArgumentException("an evaluation needs at least one segment");
        }
        double sum = 0;
        for (double a : candidate.accuracies().values()) {
            sum += a;
        }
        String newest = segments.get(t - 1);
        double bwt = 0;
        double forgetting = 0;
        double maxForgetting = 0;
        String maxSegment = null;
        int counted = 0;
        int countedForgetting = 0;
        for (int j = 0; j < t - 1; j++) {
            String s = segments.get(j);
            Double first = null;
            Double best = null;
            for (Row r : ancestors) {
                Double a = r.accuracies().get(s);
                if (a != null) {
                    first = first == null ? a : first;
                    best = best == null ? a : Math.max(best, a);
                }
            }
            Double owner = ownerAccuracy(ancestors, s);
            Double learned = owner != null ? owner : first;
            if (learned == null) {
                continue;
            }
            double now = candidate.accuracies().get(s);
            bwt += now - learned;
            counted++;
            if (candidate.archived().contains(s)) {
                continue;
            }
            double drop = best - now;
            forgetting += drop;
            if (maxSegment == null || drop > maxForgetting) {
                maxForgetting = drop;
                maxSegment = s;
            }
            countedForgetting++;
        }
        if (counted > 0) {
            bwt /= counted;
        }
        if (countedForgetting > 0) {
            forgetting /= countedForgetting;
        }
        List<String> archived = segments.stream().filter(candidate.archived()::contains).toList();
        return new Summary(sum / t, newest, candidate.accuracies().get(newest), bwt, forgetting,
                countedForgetting == 0 ? 0 : maxForgetting, maxSegment, counted, false, archived);
    }

    /** Accuracy on {@code segment} of the first ancestor whose newest segment it is. */
    private static Double ownerAccuracy(List<Row> ancestors, String segment) {
        for (Row r : ancestors) {
            if (segment.equals(r.newest())) {
                return r.accuracies().get(segment);
            }
        }
        return null;
    }

    /** The full accuracy matrix when the ancestors' last T-1 rows form its lower triangle, else null. */
    static AccuracyMatrix triangle(List<Row> ancestors, Row candidate, List<String> segments) {
        int t = segments.size();
        if (t < 2 || ancestors.size() < t - 1) {
            return null;
        }
        List<Row> rows = ancestors.subList(ancestors.size() - (t - 1), ancestors.size());
        double[][] r = new double[t][t];
        for (int i = 0; i < t - 1; i++) {
            List<String> own = new ArrayList<>(rows.get(i).accuracies().keySet());
            if (!own.equals(segments.subList(0, i + 1))) {
                return null;
            }
            for (int j = 0; j <= i; j++) {
                r[i][j] = rows.get(i).accuracies().get(segments.get(j));
            }
        }
        for (int j = 0; j < t; j++) {
            r[t - 1][j] = candidate.accuracies().get(segments.get(j));
        }
        return AccuracyMatrix.of(r);
    }

    /**
     * Pools per-probe flip rates into one, weighting by probe size: {@code NFR = Σ_j NFR_j·n_j / Σ_j n_j}.
     *
     * @return the pooled rates, or null if any probe lacks rates or a size
     */
    public static FlipRates pool(List<EvaluationRequest.SegmentResult> segments) {
        double neg = 0;
        double pos = 0;
        int n = 0;
        for (EvaluationRequest.SegmentResult s : segments) {
            if (s.negativeFlipRate() == null || s.positiveFlipRate() == null || s.samples() == null) {
                return null;
            }
            neg += s.negativeFlipRate() * s.samples();
            pos += s.positiveFlipRate() * s.samples();
            n += s.samples();
        }
        return new FlipRates(neg / n, pos / n, n);
    }

    /**
     * The flip rates over the probes of segments not archived: what the gate bounds. Equal to {@code overall} when
     * nothing is archived (the report's pooled or explicit rates); null when a segment is archived and an active
     * probe lacks rates or a size, or when every segment is archived.
     */
    public static FlipRates poolActive(List<EvaluationRequest.SegmentResult> segments, FlipRates overall) {
        List<EvaluationRequest.SegmentResult> active = segments.stream().filter(s -> !s.archived()).toList();
        if (active.size() == segments.size()) {
            return overall;
        }
        return active.isEmpty() ? null : pool(active);
    }

    /** Sample-weighted mean ECE over the probes, or null if any probe lacks it or a size. */
    public static Double pooledCalibrationError(List<EvaluationRequest.SegmentResult> segments) {
        double sum = 0;
        int n = 0;
        for (EvaluationRequest.SegmentResult s : segments) {
            if (s.calibrationError() == null || s.samples() == null) {
                return null;
            }
            sum += s.calibrationError() * s.samples();
            n += s.samples();
        }
        return sum / n;
    }

    /** Named scalars of a summary, for the metric series. */
    public static Map<String, Double> scalars(Summary s) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("averageAccuracy", s.averageAccuracy());
        m.put("newestAccuracy", s.newestAccuracy());
        m.put("backwardTransfer", s.backwardTransfer());
        m.put("forgetting", s.forgetting());
        m.put("maxForgetting", s.maxForgetting());
        m.put("archivedSegments", (double) s.archivedSegments().size());
        return m;
    }
}
