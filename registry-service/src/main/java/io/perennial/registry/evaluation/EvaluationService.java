package io.perennial.registry.evaluation;

import io.perennial.formats.metrics.FlipRates;
import io.perennial.registry.evaluation.EvaluationRequest.SegmentResult;
import io.perennial.registry.version.AuditLog;
import io.perennial.registry.version.VersionRepository;
import io.perennial.support.web.ApiException;
import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.RegistryEvents.VersionEvaluated;
import io.perennial.support.outbox.Outbox;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stores evaluation reports: validates the row, derives the continual-learning summary from the row and the
 * ancestors' latest rows ({@link ContinualMetrics}), and stores the report with its metrics in long form.
 */
@Service
public class EvaluationService {

    private final EvaluationRepository evaluations;
    private final VersionRepository versions;
    private final AuditLog audit;
    private final TransactionTemplate transactions;
    private final Outbox outbox;

    public EvaluationService(EvaluationRepository evaluations, VersionRepository versions, AuditLog audit,
            TransactionTemplate transactions, Outbox outbox) {
        this.evaluations = evaluations;
        this.versions = versions;
        this.audit = audit;
        this.transactions = transactions;
        this.outbox = outbox;
    }

    public Evaluation record(String model, int version, EvaluationRequest request, String actor) {
        requireVersion(model, version);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < request.segments().size(); i++) {
            SegmentResult s = request.segments().get(i);
            if (!seen.add(s.segment())) {
                throw ApiException.badRequest("segment '" + s.segment() + "' appears twice")
                        .with("field", "segments[" + i + "].segment");
            }
        }
        int newest = request.segments().size() - 1;
        if (newest >= 0 && request.segments().get(newest).archived()) {
            // the newest segment is the one the version learned: archiving it would leave nothing for the gate's
            // newest-accuracy floor to judge
            throw ApiException.badRequest("the newest segment '" + request.segments().get(newest).segment()
                    + "' (the last, the one this version learned) cannot be archived")
                    .with("field", "segments[" + newest + "].archived");
        }
        ContinualMetrics.Row row = ContinualMetrics.Row.of(request.segments());
        if (request.servingVersion() != null) {
            if (request.servingVersion() == version) {
                throw ApiException.badRequest("a version is not evaluated against itself")
                        .with("field", "servingVersion");
            }
            if (!versions.exists(model, request.servingVersion())) {
                throw ApiException.badRequest("model '" + model + "' has no version " + request.servingVersion())
                        .with("field", "servingVersion");
            }
        }
        Long id = transactions.execute(status -> {
            List<ContinualMetrics.Row> history = evaluations.ancestorsLatest(model, version).stream()
                    .map(e -> ContinualMetrics.Row.of(e.segments())).toList();
            ContinualMetrics.Summary s = ContinualMetrics.compute(history, row);
            FlipRates flips = request.flips() != null ? new FlipRates(request.flips().negative(),
                    request.flips().positive(), request.flips().samples()) : ContinualMetrics.pool(request.segments());
            if (flips != null && request.servingVersion() == null) {
                throw ApiException.badRequest("flip rates compare with a serving version: name it in servingVersion")
                        .with("field", "servingVersion");
            }
            FlipRates active = ContinualMetrics.poolActive(request.segments(), flips);
            Double ece = request.calibrationError() != null ? request.calibrationError()
                    : ContinualMetrics.pooledCalibrationError(request.segments());
            EvaluationSummary summary = new EvaluationSummary(s.averageAccuracy(), s.newestSegment(),
                    s.newestAccuracy(), s.backwardTransfer(), s.forgetting(), s.maxForgetting(),
                    s.maxForgettingSegment(), s.segmentsWithHistory(), s.fromAccuracyMatrix(),
                    flips == null ? null : flips.negative(), flips == null ? null : flips.positive(),
                    flips == null ? null : flips.positive() - flips.negative(), flips == null ? null : flips.samples(),
                    ece, request.latencyMs(), request.parameterCount(), s.archivedSegments(),
                    active == null ? null : active.negative(),
                    active == null ? null : active.positive() - active.negative());
            Map<String, Double> metrics = new LinkedHashMap<>(ContinualMetrics.scalars(s));
            putIfPresent(metrics, "negativeFlipRate", summary.negativeFlipRate());
            putIfPresent(metrics, "activeNegativeFlipRate", summary.activeNegativeFlipRate());
            putIfPresent(metrics, "positiveFlipRate", summary.positiveFlipRate());
            putIfPresent(metrics, "improvement", summary.improvement());
            putIfPresent(metrics, "activeImprovement", summary.activeImprovement());
            putIfPresent(metrics, "calibrationError", ece);
            putIfPresent(metrics, "latencyMs", request.latencyMs());
            putIfPresent(metrics, "parameterCount", request.parameterCount() == null ? null
                    : request.parameterCount().doubleValue());
            row.accuracies().forEach((segment, accuracy) -> metrics.put("accuracy:" + segment, accuracy));
            Set<String> archivedMetrics = new HashSet<>();
            row.archived().forEach(segment -> archivedMetrics.add("accuracy:" + segment));
            long evaluationId = evaluations.insert(model, version, request.servingVersion(), request.segments(),
                    summary, metrics, archivedMetrics, actor);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("evaluationId", evaluationId);
            details.put("servingVersion", request.servingVersion());
            details.put("averageAccuracy", s.averageAccuracy());
            audit.record(model, version, "version.evaluated", actor, null, details);
            outbox.append(EventTypes.VERSION_EVALUATED, model, new VersionEvaluated(model, version, evaluationId,
                    request.servingVersion(), s.averageAccuracy(), s.newestAccuracy(), s.maxForgetting(),
                    summary.negativeFlipRate(), java.time.Instant.now()));
            return evaluationId;
        });
        return evaluations.find(id).orElseThrow();
    }

    public List<Evaluation> list(String model, int version) {
        requireVersion(model, version);
        return evaluations.list(model, version);
    }

    /** A metric's series across versions. */
    public record Series(String model, String metric, List<EvaluationRepository.Point> points) {
    }

    public Series series(String model, String metric, int limit, int offset) {
        return new Series(model, metric, evaluations.series(model, metric, limit, offset));
    }

    public List<String> metricNames(String model) {
        return evaluations.metricNames(model);
    }

    /**
     * The accuracy matrix of a model as the console draws it: one row per evaluated version (latest evaluation),
     * one column per segment in order of first appearance; null where a version was not evaluated on a segment.
     */
    public record Matrix(String model, List<Integer> versions, List<String> segments, List<List<Double>> accuracy,
            List<List<Boolean>> archived) {
    }

    /** The matrix; {@code archived} has its shape: whether that report marked the segment archived (null: none). */
    public Matrix matrix(String model, int lastVersions) {
        List<Evaluation> rows = evaluations.latestPerVersion(model, lastVersions);
        java.util.LinkedHashSet<String> segments = new java.util.LinkedHashSet<>();
        rows.forEach(e -> e.segments().forEach(s -> segments.add(s.segment())));
        List<String> columns = List.copyOf(segments);
        List<List<Double>> values = new ArrayList<>();
        List<List<Boolean>> archived = new ArrayList<>();
        for (Evaluation e : rows) {
            ContinualMetrics.Row r = ContinualMetrics.Row.of(e.segments());
            values.add(columns.stream().map(r.accuracies()::get).toList());
            archived.add(columns.stream().map(c -> r.accuracies().containsKey(c) ? r.archived().contains(c) : null)
                    .toList());
        }
        return new Matrix(model, rows.stream().map(Evaluation::version).toList(), columns, values, archived);
    }

    private void requireVersion(String model, int version) {
        if (!versions.exists(model, version)) {
            throw ApiException.notFound("model '" + model + "' has no version " + version);
        }
    }

    private static void putIfPresent(Map<String, Double> m, String name, Double value) {
        if (value != null) {
            m.put(name, value);
        }
    }
}
