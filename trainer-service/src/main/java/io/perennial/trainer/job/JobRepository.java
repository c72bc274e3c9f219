package io.perennial.trainer.job;

import io.perennial.contracts.events.JobEvents.JobKind;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Jobs in the {@code trainer} schema. Callers lock a job row ({@link #lock}) before changing its state. */
@Repository
public class JobRepository {

    private static final TypeReference<Map<Integer, Long>> OFFSETS = new TypeReference<>() { };
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };
    private static final TypeReference<List<double[]>> HISTORY = new TypeReference<>() { };

    private final JdbcTemplate jdbc;
    private final JsonMapper json = JsonMapper.builder().build();

    public JobRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(UUID id, String stream, JobKind kind, int maxAttempts, Map<Integer, Long> from,
            Map<Integer, Long> to, Map<String, Object> parameters, String createdBy, String segment, Long alarmId) {
        jdbc.update("INSERT INTO jobs (id, stream, kind, state, max_attempts, from_offsets, to_offsets, parameters, "
                + "created_by, segment, trigger_id) "
                + "VALUES (?, ?, ?, 'QUEUED', ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?)",
                id, stream, kind.name(), maxAttempts, json.writeValueAsString(from), json.writeValueAsString(to),
                json.writeValueAsString(parameters), createdBy, segment, alarmId);
    }

    /** The ids of the jobs that answered a drift alarm, oldest first. */
    public List<UUID> ofAlarm(long alarmId) {
        return jdbc.query("SELECT id FROM jobs WHERE trigger_id = ? ORDER BY created_at", (rs, i) ->
                rs.getObject(1, UUID.class), alarmId);
    }

    /** The stream's newest job of a kind, if any. */
    public Optional<Job> latest(String stream, JobKind kind) {
        return jdbc.query("SELECT * FROM jobs WHERE stream = ? AND kind = ? ORDER BY created_at DESC LIMIT 1",
                this::map, stream, kind.name()).stream().findFirst();
    }

    /** Whether the stream has a job that is not over yet. */
    public boolean hasActive(String stream) {
        Integer n = jdbc.queryForObject("SELECT count(*) FROM jobs WHERE stream = ? "
                + "AND state IN ('QUEUED', 'RUNNING', 'EVALUATING')", Integer.class, stream);
        return n != null && n > 0;
    }

    /** How many distinct segments the stream's jobs of these kinds named. */
    public int countSegments(String stream, List<JobKind> kinds) {
        Integer n = jdbc.queryForObject("SELECT count(DISTINCT segment) FROM jobs WHERE stream = ? "
                + "AND kind = ANY (?::text[])", Integer.class, stream,
                kinds.stream().map(Enum::name).toArray(String[]::new));
        return n == null ? 0 : n;
    }

    /**
     * The segments the stream's models learned, oldest first: succeeded jobs that register a version recording
     * their window (training, prior correction, restore, refinement). Remedies make one segment appear more than once.
     */
    public List<Job> learnedSegments(String stream) {
        return jdbc.query("SELECT * FROM jobs WHERE stream = ? AND state = 'SUCCEEDED' AND segment IS NOT NULL "
                + "AND kind IN ('TRAIN_BASE', 'TRAIN_ADAPTER', 'PRIOR_CORRECT', 'RESTORE', 'REFINE') "
                + "ORDER BY finished_at, created_at", this::map, stream);
    }

    /** The stream's jobs whose versions were promoted and change its regimes, in promotion order. */
    public List<Job> promotedChanges(String stream) {
        return jdbc.query("SELECT * FROM jobs WHERE stream = ? AND state = 'SUCCEEDED' AND promotion = 'PROMOTED' "
                + "AND kind IN ('TRAIN_ADAPTER', 'MERGE', 'ARCHIVE', 'RESTORE', 'PRIOR_CORRECT', 'REFINE') "
                + "ORDER BY updated_at, finished_at", this::map, stream);
    }

    /** The stream's jobs whose versions the trainer promoted, in promotion order. */
    public List<Job> promotedVersions(String stream) {
        return jdbc.query("SELECT * FROM jobs WHERE stream = ? AND promotion = 'PROMOTED' AND version IS NOT NULL "
                + "ORDER BY updated_at", this::map, stream);
    }

    /** Succeeded jobs whose registered version has not been promoted or left as a candidate yet, locked. */
    public List<Job> lockAwaitingPromotion(int limit) {
        // An ASSESS job registers no version (its evidence is the result): nothing to promote.
        return jdbc.query("SELECT * FROM jobs WHERE state = 'SUCCEEDED' AND version IS NOT NULL AND promotion IS NULL "
                + "AND kind <> 'ASSESS' ORDER BY finished_at LIMIT ? FOR UPDATE SKIP LOCKED", this::map, limit);
    }

    public void promotion(UUID id, String promotion, String detail) {
        jdbc.update("UPDATE jobs SET promotion = ?, promotion_detail = ?, updated_at = now() WHERE id = ?",
                promotion, detail, id);
    }

    /** The job, locked for update until the transaction ends. */
    public Optional<Job> lock(UUID id) {
        return jdbc.query("SELECT * FROM jobs WHERE id = ? FOR UPDATE", this::map, id).stream().findFirst();
    }

    public Optional<Job> find(UUID id) {
        return jdbc.query("SELECT * FROM jobs WHERE id = ?", this::map, id).stream().findFirst();
    }

    public List<Job> list(String stream, JobState state, int limit, int offset) {
        StringBuilder sql = new StringBuilder("SELECT * FROM jobs WHERE true");
        List<Object> args = new ArrayList<>();
        if (stream != null) {
            sql.append(" AND stream = ?");
            args.add(stream);
        }
        if (state != null) {
            sql.append(" AND state = ?");
            args.add(state.name());
        }
        sql.append(" ORDER BY created_at DESC LIMIT ? OFFSET ?");
        args.add(limit);
        args.add(offset);
        return jdbc.query(sql.toString(), this::map, args.toArray());
    }

    /** Running or evaluating jobs whose last sign of life is older than {@code before}, locked, oldest first. */
    public List<Job> lockSilent(Instant before, int limit) {
        return jdbc.query("SELECT * FROM jobs WHERE state IN ('RUNNING', 'EVALUATING') "
                + "AND coalesce(last_heartbeat, started_at, updated_at) < ? ORDER BY updated_at LIMIT ? "
                + "FOR UPDATE SKIP LOCKED", this::map, Timestamp.from(before), limit);
    }

    public void requeue(UUID id, int attempt, String message) {
        // A new attempt starts from scratch: the previous attempt's progress is not this one's.
        jdbc.update("UPDATE jobs SET state = 'QUEUED', attempt = ?, worker = NULL, message = ?, last_heartbeat = NULL, "
                + "step = NULL, total_steps = NULL, loss = NULL, samples_per_s = NULL, loss_history = '[]', "
                + "started_at = NULL, finished_at = NULL, updated_at = now() WHERE id = ?", attempt, message, id);
    }

    public void start(UUID id, String worker) {
        jdbc.update("UPDATE jobs SET state = 'RUNNING', worker = ?, started_at = now(), last_heartbeat = now(), "
                + "updated_at = now() WHERE id = ?", worker, id);
    }

    public void heartbeat(UUID id) {
        jdbc.update("UPDATE jobs SET last_heartbeat = now(), updated_at = now() WHERE id = ?", id);
    }

    public void progress(UUID id, JobState state, Long step, Long totalSteps, Double loss, Double samplesPerSecond) {
        // Explicit casts: PostgreSQL cannot type a parameter that is only ever NULL.
        jdbc.update("UPDATE jobs SET state = ?, step = coalesce(?::bigint, step), "
                + "total_steps = coalesce(?::bigint, total_steps), loss = coalesce(?::double precision, loss), "
                + "samples_per_s = coalesce(?::double precision, samples_per_s), last_heartbeat = now(), "
                + "loss_history = CASE WHEN ?::bigint IS NULL OR ?::double precision IS NULL THEN loss_history "
                + "ELSE loss_history || jsonb_build_array(jsonb_build_array(?::bigint, ?::double precision)) END, "
                + "updated_at = now() WHERE id = ?", state.name(), step, totalSteps, loss, samplesPerSecond, step, loss,
                step, loss, id);
    }

    public void finish(UUID id, JobState state, Integer version, String message) {
        finish(id, state, version, message, null);
    }

    /** Ends a job; {@code result} is what a succeeded job that registers no version reported (kept as given). */
    public void finish(UUID id, JobState state, Integer version, String message, Map<String, Object> result) {
        jdbc.update("UPDATE jobs SET state = ?, version = coalesce(?::int, version), message = ?, "
                + "result = coalesce(?::jsonb, result), finished_at = now(), updated_at = now() WHERE id = ?",
                state.name(), version, message, result == null ? null : json.writeValueAsString(result), id);
    }

    private Job map(ResultSet rs, int row) throws SQLException {
        return new Job(rs.getObject("id", UUID.class), rs.getString("stream"), JobKind.valueOf(rs.getString("kind")),
                JobState.valueOf(rs.getString("state")), rs.getInt("attempt"), rs.getInt("max_attempts"),
                json.readValue(rs.getString("from_offsets"), OFFSETS), json.readValue(rs.getString("to_offsets"), OFFSETS),
                json.readValue(rs.getString("parameters"), MAP), rs.getString("worker"),
                (Long) rs.getObject("step"), (Long) rs.getObject("total_steps"), (Double) rs.getObject("loss"),
                (Double) rs.getObject("samples_per_s"), json.readValue(rs.getString("loss_history"), HISTORY),
                (Integer) rs.getObject("version"), rs.getString("message"), instant(rs, "last_heartbeat"),
                rs.getString("created_by"), instant(rs, "created_at"), instant(rs, "updated_at"),
                instant(rs, "started_at"), instant(rs, "finished_at"), rs.getString("segment"),
                rs.getString("promotion"), rs.getString("promotion_detail"),
                rs.getString("result") == null ? null : json.readValue(rs.getString("result"), MAP));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
