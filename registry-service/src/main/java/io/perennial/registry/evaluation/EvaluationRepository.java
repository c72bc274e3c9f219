package io.perennial.registry.evaluation;

import io.perennial.registry.evaluation.EvaluationRequest.SegmentResult;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Evaluation reports and their metrics in long form. */
@Repository
public class EvaluationRepository {

    private static final TypeReference<List<SegmentResult>> SEGMENTS = new TypeReference<>() { };
    private static final String COLUMNS = "id, model, version, serving_version, segments::text, summary::text, "
            + "created_by, created_at";

    /**
     * One point of a metric series: the value of the latest evaluation of a version.
     *
     * @param archived the metric is an {@code accuracy:<segment>} whose segment that report marked archived
     */
    public record Point(int version, double value, long evaluationId, boolean archived) {
    }

    private final JdbcTemplate jdbc;
    private final JsonMapper json = JsonMapper.builder().build();

    public EvaluationRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public long insert(String model, int version, Integer servingVersion, List<SegmentResult> segments,
            EvaluationSummary summary, Map<String, Double> metrics, Set<String> archivedMetrics, String actor) {
        long id = jdbc.queryForObject("INSERT INTO evaluations (model, version, serving_version, segments, summary, "
                + "created_by) VALUES (?, ?, ?, ?::jsonb, ?::jsonb, ?) RETURNING id", Long.class, model, version,
                servingVersion, json.writeValueAsString(segments), json.writeValueAsString(summary), actor);
        jdbc.batchUpdate("INSERT INTO evaluation_metrics (evaluation_id, model, version, name, value, archived) "
                + "VALUES (?, ?, ?, ?, ?, ?)", metrics.entrySet().stream().map(e -> new Object[] {id, model, version,
                        e.getKey(), e.getValue(), archivedMetrics.contains(e.getKey())}).toList());
        return id;
    }

    public Optional<Evaluation> find(long id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM evaluations WHERE id = ?", this::map, id).stream().findFirst();
    }

    /** The newest evaluation of a version. */
    public Optional<Evaluation> latest(String model, int version) {
        return jdbc.query("SELECT " + COLUMNS + " FROM evaluations WHERE model = ? AND version = ? ORDER BY id DESC "
                + "LIMIT 1", this::map, model, version).stream().findFirst();
    }

    public List<Evaluation> list(String model, int version) {
        return jdbc.query("SELECT " + COLUMNS + " FROM evaluations WHERE model = ? AND version = ? ORDER BY id DESC",
                this::map, model, version);
    }

    /** How many ancestors (along the parent chain) an evaluation's forgetting and BWT look back. */
    public static final int MAX_HISTORY = 256;

    /**
     * The latest evaluation of each of the nearest {@link #MAX_HISTORY} ancestors along the parent chain, oldest
     * ancestor first.
     */
    public List<Evaluation> ancestorsLatest(String model, int version) {
        return jdbc.query("""
                WITH RECURSIVE chain(version, depth) AS (
                    SELECT parent_version, 1 FROM versions WHERE model = ? AND version = ?
                    UNION ALL
                    SELECT p.parent_version, c.depth + 1 FROM chain c CROSS JOIN LATERAL (
                        SELECT v.parent_version FROM versions v WHERE v.model = ? AND v.version = c.version
                        OFFSET 0) p
                    WHERE c.version IS NOT NULL AND c.depth < ?
                )
                SELECT e.id, e.model, e.version, e.serving_version, e.segments::text, e.summary::text, e.created_by,
                       e.created_at
                FROM chain c
                JOIN LATERAL (SELECT * FROM evaluations x WHERE x.model = ? AND x.version = c.version
                              ORDER BY x.id DESC LIMIT 1) e ON true
                ORDER BY c.depth DESC""", this::map, model, version, model, MAX_HISTORY, model);
    }

    /** A metric across versions, from each version's latest evaluation, oldest version first. */
    public List<Point> series(String model, String name, int limit, int offset) {
        return jdbc.query("SELECT DISTINCT ON (version) version, value, evaluation_id, archived "
                + "FROM evaluation_metrics WHERE model = ? AND name = ? ORDER BY version, evaluation_id DESC "
                + "LIMIT ? OFFSET ?", (rs, i) -> new Point(rs.getInt(1), rs.getDouble(2), rs.getLong(3),
                        rs.getBoolean(4)), model, name, limit, offset);
    }

    /** The metric names a model's evaluations have. */
    public List<String> metricNames(String model) {
        return jdbc.queryForList("SELECT DISTINCT name FROM evaluation_metrics WHERE model = ? ORDER BY name",
                String.class, model);
    }

    /** The latest evaluation of every evaluated version, oldest version first (the accuracy matrix's rows). */
    public List<Evaluation> latestPerVersion(String model, int limit) {
        return jdbc.query("SELECT " + COLUMNS + " FROM (SELECT DISTINCT ON (version) * FROM evaluations WHERE "
                + "model = ? ORDER BY version DESC, id DESC LIMIT ?) e ORDER BY version", this::map, model, limit);
    }

    private Evaluation map(ResultSet rs, int row) throws SQLException {
        return new Evaluation(rs.getLong(1), rs.getString(2), rs.getInt(3), (Integer) rs.getObject(4),
                json.readValue(rs.getString(5), SEGMENTS), json.readValue(rs.getString(6), EvaluationSummary.class),
                rs.getString(7), rs.getTimestamp(8).toInstant());
    }
}
