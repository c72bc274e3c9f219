package io.perennial.trainer.adaptation;

import io.perennial.contracts.events.AdaptationEvents.Decision;
import io.perennial.contracts.events.DriftEvents.DriftDetected;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Drift alarms and what the trainer did with them, in the {@code trainer} schema. Every state change names the state
 * it leaves ({@code WHERE state = ?}) and fails when the row is no longer there, so a decision is made once even if
 * two planners raced past the policy row lock.
 */
@Repository
public class DriftTriggerRepository {

    private static final TypeReference<Map<Integer, Long>> OFFSETS = new TypeReference<>() { };
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };
    private static final TypeReference<List<Map<String, Object>>> LIST = new TypeReference<>() { };
    /** States of an alarm being answered. */
    static final List<String> OPEN = List.of("ASSESSING", "CONSOLIDATING", "ACTING");

    private final JdbcTemplate jdbc;
    private final JsonMapper json = JsonMapper.builder().build();

    public DriftTriggerRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Records an alarm; the same alarm delivered again (same stream, detector, time and offsets) is not added. */
    public void insert(DriftDetected drift) {
        String offsets = json.writeValueAsString(drift.startOffsets());
        jdbc.update("INSERT INTO drift_triggers (stream, detector, kind, start_offsets, detected_at) "
                + "SELECT ?, ?, ?, ?::jsonb, ? WHERE NOT EXISTS (SELECT 1 FROM drift_triggers WHERE stream = ? "
                + "AND detector = ? AND detected_at = ? AND start_offsets = ?::jsonb)", drift.stream(),
                drift.detector(), drift.kind(), offsets, Timestamp.from(drift.detectedAt()), drift.stream(),
                drift.detector(), Timestamp.from(drift.detectedAt()), offsets);
    }

    /** The stream's pending alarms, oldest first. Call with the stream's policy row locked. */
    public List<DriftTrigger> pending(String stream) {
        return jdbc.query("SELECT id, stream, detector, kind, start_offsets::text, detected_at FROM drift_triggers "
                + "WHERE stream = ? AND state = 'PENDING' ORDER BY id", (rs, i) -> new DriftTrigger(rs.getLong(1),
                rs.getString(2), rs.getString(3), rs.getString(4), json.readValue(rs.getString(5), OFFSETS),
                rs.getTimestamp(6).toInstant()), stream);
    }

    /** Closes a pending alarm without a decision (superseded, ignored). */
    public void close(long id, String state, UUID jobId, String note) {
        guarded(jdbc.update("UPDATE drift_triggers SET state = ?, job_id = ?, note = ?, updated_at = now() "
                + "WHERE id = ? AND state = 'PENDING'", state, jobId, note, id), id, "PENDING");
    }

    /** The stream's alarm being answered (assessed, consolidated for, or acted on), if any. */
    public Optional<Alarm> open(String stream) {
        return jdbc.query("SELECT * FROM drift_triggers WHERE stream = ? AND state = ANY (?::text[]) ORDER BY id "
                + "LIMIT 1", this::map, stream, OPEN.toArray(String[]::new)).stream().findFirst();
    }

    /**
     * The stream's newest alarm that got a decision (not pending, superseded or ignored): the one whose answer the
     * stream's data belongs to until the next alarm.
     */
    public Optional<Alarm> latestDecided(String stream) {
        return jdbc.query("SELECT * FROM drift_triggers WHERE stream = ? AND state NOT IN ('PENDING', 'SUPERSEDED', "
                + "'IGNORED') ORDER BY id DESC LIMIT 1", this::map, stream).stream().findFirst();
    }

    /** A pending alarm's assessment was queued on its window. */
    public void assessing(long id, UUID job, String segment, Map<Integer, Long> from, Map<Integer, Long> to) {
        guarded(jdbc.update("UPDATE drift_triggers SET state = 'ASSESSING', assess_job_id = ?, job_id = ?, "
                + "segment = ?, from_offsets = ?::jsonb, to_offsets = ?::jsonb, updated_at = now() "
                + "WHERE id = ? AND state = 'PENDING'",
                job, job, segment, json.writeValueAsString(from), json.writeValueAsString(to), id), id, "PENDING");
    }

    /** The alarm's one decision; refused (an exception, rolling the caller back) when it was decided already. */
    public void decide(long id, Decision decision, String reason, Map<String, Object> evidence) {
        guarded(jdbc.update("UPDATE drift_triggers SET decision = ?, reason = ?, evidence = ?::jsonb, "
                + "decided_at = now(), updated_at = now() WHERE id = ? AND state = 'ASSESSING' AND decision IS NULL",
                decision.name(), reason, json.writeValueAsString(evidence), id), id, "ASSESSING (undecided)");
    }

    /** Moves an alarm from {@code from} to {@code to}, waiting on {@code job} for {@code action}. */
    public void move(long id, String from, String to, UUID job, Map<String, Object> action, String note) {
        guarded(jdbc.update("UPDATE drift_triggers SET state = ?, job_id = coalesce(?, job_id), "
                + "action = coalesce(?::jsonb, action), note = coalesce(?, note), updated_at = now() "
                + "WHERE id = ? AND state = ?", to, job, action == null ? null : json.writeValueAsString(action), note,
                id, from), id, from);
    }

    public void note(long id, String note) {
        jdbc.update("UPDATE drift_triggers SET note = ?, updated_at = now() WHERE id = ?", note, id);
    }

    public void addAttempt(long id, Map<String, Object> attempt) {
        jdbc.update("UPDATE drift_triggers SET attempts = attempts || jsonb_build_array(?::jsonb), updated_at = now() "
                + "WHERE id = ?", json.writeValueAsString(attempt), id);
    }

    public void addConsolidation(long id, Map<String, Object> consolidation) {
        jdbc.update("UPDATE drift_triggers SET consolidations = consolidations || jsonb_build_array(?::jsonb), "
                + "updated_at = now() WHERE id = ?", json.writeValueAsString(consolidation), id);
    }

    /** Sets the outcome of the alarm's latest consolidation. */
    public void consolidationOutcome(long id, String outcome) {
        jdbc.update("UPDATE drift_triggers SET consolidations = jsonb_set(consolidations, "
                + "ARRAY[(jsonb_array_length(consolidations) - 1)::text, 'outcome'], to_jsonb(?::text)), "
                + "updated_at = now() WHERE id = ? AND jsonb_array_length(consolidations) > 0", outcome, id);
    }

    public Optional<Alarm> find(long id) {
        return jdbc.query("SELECT * FROM drift_triggers WHERE id = ?", this::map, id).stream().findFirst();
    }

    /** Alarms, newest first, optionally of one stream and in one state. */
    public List<Alarm> list(String stream, String state, int limit, int offset) {
        StringBuilder sql = new StringBuilder("SELECT * FROM drift_triggers WHERE true");
        List<Object> args = new ArrayList<>();
        if (stream != null) {
            sql.append(" AND stream = ?");
            args.add(stream);
        }
        if (state != null) {
            sql.append(" AND state = ?");
            args.add(state);
        }
        sql.append(" ORDER BY id DESC LIMIT ? OFFSET ?");
        args.add(limit);
        args.add(offset);
        return jdbc.query(sql.toString(), this::map, args.toArray());
    }

    /** A merge of these two regimes was refused: never proposed again. */
    public void refuseMerge(String stream, String a, String b, UUID job) {
        String first = a.compareTo(b) <= 0 ? a : b;
        String second = first.equals(a) ? b : a;
        jdbc.update("INSERT INTO refused_merges (stream, regime_a, regime_b, job_id) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT DO NOTHING", stream, first, second, job);
    }

    /** The stream's refused merge pairs, each as {@link Consolidation#pairKey}. */
    public Set<String> refusedMerges(String stream) {
        return new TreeSet<>(jdbc.query("SELECT regime_a, regime_b FROM refused_merges WHERE stream = ?",
                (rs, i) -> Consolidation.pairKey(rs.getString(1), rs.getString(2)), stream));
    }

    private static void guarded(int updated, long id, String expected) {
        if (updated != 1) {
            throw new IllegalStateException("alarm " + id + " is no longer " + expected + ": another planner "
                    + "handled it");
        }
    }

    private Alarm map(ResultSet rs, int row) throws SQLException {
        String decision = rs.getString("decision");
        return new Alarm(rs.getLong("id"), rs.getString("stream"), rs.getString("detector"), rs.getString("kind"),
                rs.getTimestamp("detected_at").toInstant(), rs.getString("state"),
                decision == null ? null : Decision.valueOf(decision), rs.getString("reason"),
                read(rs.getString("evidence"), MAP), instant(rs, "decided_at"), rs.getString("segment"),
                read(rs.getString("from_offsets"), OFFSETS), read(rs.getString("to_offsets"), OFFSETS),
                rs.getObject("assess_job_id", UUID.class), rs.getObject("job_id", UUID.class),
                read(rs.getString("action"), MAP), json.readValue(rs.getString("attempts"), LIST),
                json.readValue(rs.getString("consolidations"), LIST), rs.getString("note"),
                instant(rs, "updated_at"), List.of());
    }

    private <T> T read(String value, TypeReference<T> type) {
        return value == null ? null : json.readValue(value, type);
    }

    private static java.time.Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
