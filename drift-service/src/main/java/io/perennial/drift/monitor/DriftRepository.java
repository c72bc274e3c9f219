package io.perennial.drift.monitor;

import io.perennial.drift.detector.DetectorResult;
import io.perennial.drift.detector.monitor.WindowMonitor;
import java.nio.ByteBuffer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Detector configuration, monitor state, evaluations and alarms in the {@code drift} schema. */
@Repository
public class DriftRepository {

    private static final TypeReference<Map<Integer, Long>> OFFSETS = new TypeReference<>() { };
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };

    private final JdbcTemplate jdbc;
    private final JsonMapper json = JsonMapper.builder().build();

    public DriftRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A persisted monitor. */
    public record State(String stream, WindowMonitor.Phase phase, int dimension, List<String> labels,
            float[] reference, int[] referenceLabels, Map<Integer, Long> referenceFrom, Map<Integer, Long> monitorFrom,
            Map<Integer, Long> checkpoint, long seen, int cooldownLeft, ReferenceSource source) {
    }

    /**
     * A stream's feedback monitors at a checkpoint: the prediction monitor (phase, reference, cooldown), the error
     * detector's state and count, and the positions on the feedback topics (and the samples topic, for labels carried
     * by samples) that state holds everything before, with where a restart replays from.
     */
    public record FeedbackState(String stream, List<String> labels, WindowMonitor.Phase predictionPhase,
            float[] predictionReference, int[] predictionReferenceLabels, Map<Integer, Long> predictionReferenceFrom,
            Map<Integer, Long> predictionMonitorFrom, long predictionsSeen, int predictionCooldownLeft,
            String errorDetector, double[] errorState, long errorCount, Map<Integer, Long> predictionsPosition,
            Map<Integer, Long> predictionsReplayFrom, Map<Integer, Long> windowFrom, Map<Integer, Long> labelsPosition,
            Map<Integer, Long> labelsReplayFrom, Map<Integer, Long> samplesPosition) {
    }

    public Optional<FeedbackState> feedbackState(String stream) {
        return jdbc.query("SELECT labels::text, prediction_phase, prediction_reference, prediction_reference_labels, "
                + "prediction_reference_from::text, prediction_monitor_from::text, predictions_seen, "
                + "prediction_cooldown_left, error_detector, error_state, error_count, predictions_position::text, "
                + "predictions_replay_from::text, window_from::text, labels_position::text, labels_replay_from::text, "
                + "samples_position::text FROM feedback_state WHERE stream = ?",
                (rs, i) -> new FeedbackState(stream, json.readValue(rs.getString(1), STRINGS),
                        WindowMonitor.Phase.valueOf(rs.getString(2)), floats(rs.getBytes(3)), ints(rs.getBytes(4)),
                        offsets(rs.getString(5)), offsets(rs.getString(6)), rs.getLong(7), rs.getInt(8),
                        rs.getString(9), doubles(rs.getBytes(10)), rs.getLong(11), offsets(rs.getString(12)),
                        offsets(rs.getString(13)), offsets(rs.getString(14)), offsets(rs.getString(15)),
                        offsets(rs.getString(16)), offsets(rs.getString(17))), stream).stream().findFirst();
    }

    public void saveFeedbackState(FeedbackState f) {
        jdbc.update("INSERT INTO feedback_state (stream, labels, prediction_phase, prediction_reference, "
                + "prediction_reference_labels, prediction_reference_from, prediction_monitor_from, predictions_seen, "
                + "prediction_cooldown_left, error_detector, error_state, error_count, predictions_position, "
                + "predictions_replay_from, window_from, labels_position, labels_replay_from, samples_position) "
                + "VALUES (?, ?::jsonb, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, "
                + "?::jsonb, ?::jsonb, ?::jsonb) ON CONFLICT (stream) DO UPDATE SET labels = EXCLUDED.labels, "
                + "prediction_phase = EXCLUDED.prediction_phase, prediction_reference = EXCLUDED.prediction_reference, "
                + "prediction_reference_labels = EXCLUDED.prediction_reference_labels, "
                + "prediction_reference_from = EXCLUDED.prediction_reference_from, "
                + "prediction_monitor_from = EXCLUDED.prediction_monitor_from, "
                + "predictions_seen = EXCLUDED.predictions_seen, "
                + "prediction_cooldown_left = EXCLUDED.prediction_cooldown_left, "
                + "error_detector = EXCLUDED.error_detector, error_state = EXCLUDED.error_state, "
                + "error_count = EXCLUDED.error_count, predictions_position = EXCLUDED.predictions_position, "
                + "predictions_replay_from = EXCLUDED.predictions_replay_from, window_from = EXCLUDED.window_from, "
                + "labels_position = EXCLUDED.labels_position, labels_replay_from = EXCLUDED.labels_replay_from, "
                + "samples_position = EXCLUDED.samples_position, updated_at = now()",
                f.stream(), json.writeValueAsString(f.labels()), f.predictionPhase().name(),
                bytes(f.predictionReference()), bytes(f.predictionReferenceLabels()),
                json.writeValueAsString(f.predictionReferenceFrom()), json.writeValueAsString(f.predictionMonitorFrom()),
                f.predictionsSeen(), f.predictionCooldownLeft(), f.errorDetector(),
                f.errorState() == null ? null : bytes(f.errorState()), f.errorCount(),
                json.writeValueAsString(f.predictionsPosition()), json.writeValueAsString(f.predictionsReplayFrom()),
                json.writeValueAsString(f.windowFrom()), json.writeValueAsString(f.labelsPosition()),
                json.writeValueAsString(f.labelsReplayFrom()), json.writeValueAsString(f.samplesPosition()));
    }

    public void deleteFeedbackState(String stream) {
        jdbc.update("DELETE FROM feedback_state WHERE stream = ?", stream);
    }

    /** A promotion whose reference is still to be installed (one per stream: a newer promotion replaces it). */
    public record ReferenceRequest(String stream, UUID id, String model, int version, Instant movedAt,
            Instant requestedAt) {
    }

    /** One stored alarm. */
    public record Alarm(UUID id, String stream, String detector, String kind, double statistic, Double pValue,
            double threshold, String severity, Map<Integer, Long> startOffsets, Instant detectedAt) {
    }

    /** One stored evaluation of one detector. */
    public record Evaluation(long id, String kind, String detector, String decision, Double statistic, Double pValue,
            Double threshold, Integer feature, long sequence, int referenceCount, int currentCount,
            Instant evaluatedAt) {
    }

    public Optional<DetectorConfig> config(String stream) {
        return jdbc.query("SELECT config::text FROM detector_config WHERE stream = ?",
                (rs, i) -> json.readValue(rs.getString(1), DetectorConfig.class), stream).stream().findFirst();
    }

    public void saveConfig(String stream, DetectorConfig config, String actor) {
        jdbc.update("INSERT INTO detector_config (stream, config, updated_by) VALUES (?, ?::jsonb, ?) "
                + "ON CONFLICT (stream) DO UPDATE SET config = EXCLUDED.config, updated_at = now(), "
                + "updated_by = EXCLUDED.updated_by", stream, json.writeValueAsString(config), actor);
    }

    public Optional<State> state(String stream) {
        return jdbc.query("SELECT phase, dimension, labels::text, reference, reference_labels, reference_from::text, "
                + "monitor_from::text, checkpoint::text, seen, cooldown_left, reference_source::text FROM monitor_state "
                + "WHERE stream = ?",
                (rs, i) -> new State(stream, WindowMonitor.Phase.valueOf(rs.getString(1)), rs.getInt(2),
                        json.readValue(rs.getString(3), STRINGS), floats(rs.getBytes(4)), ints(rs.getBytes(5)),
                        offsets(rs.getString(6)), offsets(rs.getString(7)), offsets(rs.getString(8)), rs.getLong(9),
                        rs.getInt(10), source(rs.getString(11))), stream).stream().findFirst();
    }

    /**
     * Saves a monitor's state.
     *
     * @param withReference whether to (re)write the reference window, which only changes when it is frozen
     */
    public void saveState(State s, boolean withReference) {
        jdbc.update("INSERT INTO monitor_state (stream, phase, dimension, labels, reference, reference_labels, "
                + "reference_from, monitor_from, checkpoint, seen, cooldown_left, reference_source) "
                + "VALUES (?, ?, ?, ?::jsonb, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?::jsonb) "
                + "ON CONFLICT (stream) DO UPDATE SET "
                + "phase = EXCLUDED.phase, dimension = EXCLUDED.dimension, labels = EXCLUDED.labels, "
                + (withReference ? "reference = EXCLUDED.reference, reference_labels = EXCLUDED.reference_labels, " : "")
                + "reference_from = EXCLUDED.reference_from, monitor_from = EXCLUDED.monitor_from, "
                + "checkpoint = EXCLUDED.checkpoint, seen = EXCLUDED.seen, cooldown_left = EXCLUDED.cooldown_left, "
                + "reference_source = EXCLUDED.reference_source, updated_at = now()",
                s.stream(), s.phase().name(), s.dimension(), json.writeValueAsString(s.labels()),
                withReference ? bytes(s.reference()) : null, withReference ? bytes(s.referenceLabels()) : null,
                json.writeValueAsString(s.referenceFrom()), json.writeValueAsString(s.monitorFrom()),
                json.writeValueAsString(s.checkpoint()), s.seen(), s.cooldownLeft(),
                s.source() == null ? null : json.writeValueAsString(s.source()));
    }

    /** The reference a stored monitor uses, when its row says. */
    public Optional<ReferenceSource> referenceSource(String stream) {
        return jdbc.query("SELECT reference_source::text FROM monitor_state WHERE stream = ?",
                (rs, i) -> source(rs.getString(1)), stream).stream().filter(java.util.Objects::nonNull).findFirst();
    }

    /** Records a promotion whose reference must be installed, replacing an older one of the same stream. */
    public UUID requestReference(String stream, String model, int version, Instant movedAt) {
        UUID id = UUID.randomUUID();
        jdbc.update("INSERT INTO reference_requests (stream, id, model, version, moved_at) VALUES (?, ?, ?, ?, ?) "
                + "ON CONFLICT (stream) DO UPDATE SET id = EXCLUDED.id, model = EXCLUDED.model, "
                + "version = EXCLUDED.version, moved_at = EXCLUDED.moved_at, requested_at = now()", stream, id, model,
                version, movedAt == null ? null : Timestamp.from(movedAt));
        return id;
    }

    /** The open promotions of these streams. */
    public List<ReferenceRequest> referenceRequests(Collection<String> streams) {
        if (streams.isEmpty()) {
            return List.of();
        }
        return jdbc.query("SELECT stream, id, model, version, moved_at, requested_at FROM reference_requests "
                + "WHERE stream = ANY (?)", (rs, i) -> new ReferenceRequest(rs.getString(1),
                        rs.getObject(2, UUID.class), rs.getString(3), rs.getInt(4),
                        rs.getTimestamp(5) == null ? null : rs.getTimestamp(5).toInstant(),
                        rs.getTimestamp(6).toInstant()), (Object) streams.toArray(String[]::new));
    }

    /**
     * Closes a promotion request.
     *
     * @return false when it is no longer open (a newer promotion replaced it, or a reset removed it)
     */
    public boolean completeRequest(String stream, UUID id) {
        return jdbc.update("DELETE FROM reference_requests WHERE stream = ? AND id = ?", stream, id) == 1;
    }

    /** Drops a stream's open promotion (its reference is being reset anyway). */
    public void deleteRequest(String stream) {
        jdbc.update("DELETE FROM reference_requests WHERE stream = ?", stream);
    }

    public void deleteState(String stream) {
        jdbc.update("DELETE FROM monitor_state WHERE stream = ?", stream);
    }

    public void insertEvaluations(String stream, String kind, WindowMonitor.Evaluation e) {
        jdbc.batchUpdate("INSERT INTO evaluations (stream, kind, detector, decision, statistic, p_value, threshold, "
                + "feature, sequence, reference_count, current_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                e.results(), e.results().size(), (ps, r) -> {
                    ps.setString(1, stream);
                    ps.setString(2, kind);
                    ps.setString(3, r.detector());
                    ps.setString(4, r.decision().name());
                    ps.setObject(5, finiteOrNull(r.statistic()));
                    ps.setObject(6, finiteOrNull(r.pValue()));
                    ps.setObject(7, finiteOrNull(r.threshold()));
                    ps.setObject(8, r.feature() >= 0 ? r.feature() : null);
                    ps.setLong(9, e.sequence());
                    ps.setInt(10, e.referenceCount());
                    ps.setInt(11, e.currentCount());
                });
    }

    /** Stores one evaluation of a sequential detector. */
    public void insertEvaluation(String stream, String kind, DetectorResult r, long sequence) {
        jdbc.update("INSERT INTO evaluations (stream, kind, detector, decision, statistic, p_value, threshold, feature, "
                + "sequence, reference_count, current_count) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, 0, 0)", stream, kind,
                r.detector(), r.decision().name(), finiteOrNull(r.statistic()), finiteOrNull(r.pValue()),
                finiteOrNull(r.threshold()), sequence);
    }

    public void insertAlarm(Alarm a) {
        jdbc.update("INSERT INTO drift_alarms (id, stream, detector, kind, statistic, p_value, threshold, severity, "
                + "start_offsets, detected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?)", a.id(), a.stream(),
                a.detector(), a.kind(), a.statistic(), a.pValue(), a.threshold(), a.severity(),
                json.writeValueAsString(a.startOffsets()), Timestamp.from(a.detectedAt()));
    }

    public List<Alarm> alarms(String stream, int limit, int offset) {
        return jdbc.query("SELECT id, stream, detector, kind, statistic, p_value, threshold, severity, "
                + "start_offsets::text, detected_at FROM drift_alarms WHERE stream = ? "
                + "ORDER BY detected_at DESC, id LIMIT ? OFFSET ?", (rs, i) -> new Alarm(rs.getObject(1, UUID.class),
                        rs.getString(2), rs.getString(3), rs.getString(4), rs.getDouble(5),
                        (Double) rs.getObject(6), rs.getDouble(7), rs.getString(8), offsets(rs.getString(9)),
                        rs.getTimestamp(10).toInstant()), stream, limit, offset);
    }

    /** The newest alarm of one kind of a stream. */
    public Optional<Alarm> latestAlarm(String stream, String kind) {
        return jdbc.query("SELECT id, stream, detector, kind, statistic, p_value, threshold, severity, "
                + "start_offsets::text, detected_at FROM drift_alarms WHERE stream = ? AND kind = ? "
                + "ORDER BY detected_at DESC LIMIT 1", (rs, i) -> new Alarm(rs.getObject(1, UUID.class),
                        rs.getString(2), rs.getString(3), rs.getString(4), rs.getDouble(5),
                        (Double) rs.getObject(6), rs.getDouble(7), rs.getString(8), offsets(rs.getString(9)),
                        rs.getTimestamp(10).toInstant()), stream, kind).stream().findFirst();
    }

    public long countAlarms(String stream) {
        Long n = jdbc.queryForObject("SELECT count(*) FROM drift_alarms WHERE stream = ?", Long.class, stream);
        return n == null ? 0 : n;
    }

    /** Evaluations, newest first, optionally of one detector. */
    public List<Evaluation> evaluations(String stream, String detector, int limit, int offset) {
        return jdbc.query("SELECT id, kind, detector, decision, statistic, p_value, threshold, feature, sequence, "
                + "reference_count, current_count, evaluated_at FROM evaluations WHERE stream = ? "
                + "AND (?::text IS NULL OR detector = ?) ORDER BY id DESC LIMIT ? OFFSET ?",
                (rs, i) -> evaluation(rs), stream, detector, detector, limit, offset);
    }

    public long countEvaluations(String stream, String detector) {
        Long n = jdbc.queryForObject("SELECT count(*) FROM evaluations WHERE stream = ? "
                + "AND (?::text IS NULL OR detector = ?)", Long.class, stream, detector, detector);
        return n == null ? 0 : n;
    }

    /** The latest evaluation of each detector of a stream. */
    public List<Evaluation> latestEvaluations(String stream) {
        return jdbc.query("SELECT DISTINCT ON (kind, detector) id, kind, detector, decision, statistic, p_value, "
                + "threshold, feature, sequence, reference_count, current_count, evaluated_at FROM evaluations "
                + "WHERE stream = ? ORDER BY kind, detector, id DESC", (rs, i) -> evaluation(rs), stream);
    }

    public void saveModel(String model, String stream) {
        jdbc.update("INSERT INTO models (model, stream) VALUES (?, ?) ON CONFLICT (model) DO UPDATE "
                + "SET stream = EXCLUDED.stream", model, stream);
    }

    public Optional<String> streamOfModel(String model) {
        return jdbc.queryForList("SELECT stream FROM models WHERE model = ?", String.class, model).stream()
                .findFirst();
    }

    private static Evaluation evaluation(ResultSet rs) throws SQLException {
        Object feature = rs.getObject(8);
        return new Evaluation(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                (Double) rs.getObject(5), (Double) rs.getObject(6), (Double) rs.getObject(7),
                feature == null ? null : ((Number) feature).intValue(), rs.getLong(9), rs.getInt(10), rs.getInt(11),
                rs.getTimestamp(12).toInstant());
    }

    private ReferenceSource source(String text) {
        return text == null ? null : json.readValue(text, ReferenceSource.class);
    }

    private Map<Integer, Long> offsets(String text) {
        return text == null ? Map.of() : new HashMap<>(json.readValue(text, OFFSETS));
    }

    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }

    static byte[] bytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    static byte[] bytes(int[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4);
        b.asIntBuffer().put(v);
        return b.array();
    }

    static byte[] bytes(double[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 8);
        b.asDoubleBuffer().put(v);
        return b.array();
    }

    static double[] doubles(byte[] b) {
        if (b == null) {
            return null;
        }
        double[] v = new double[b.length / 8];
        ByteBuffer.wrap(b).asDoubleBuffer().get(v);
        return v;
    }

    static float[] floats(byte[] b) {
        if (b == null) {
            return new float[0];
        }
        float[] v = new float[b.length / 4];
        ByteBuffer.wrap(b).asFloatBuffer().get(v);
        return v;
    }

    static int[] ints(byte[] b) {
        if (b == null) {
            return new int[0];
        }
        int[] v = new int[b.length / 4];
        ByteBuffer.wrap(b).asIntBuffer().get(v);
        return v;
    }
}
