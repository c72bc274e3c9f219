package io.perennial.trainer.adaptation;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The continuing regime's refinements in the {@code trainer} schema. Call with the stream's policy row locked. */
@Repository
public class RefinementRepository {

    private static final TypeReference<Map<Integer, Long>> OFFSETS = new TypeReference<>() { };

    private final JdbcTemplate jdbc;
    private final JsonMapper json = JsonMapper.builder().build();

    public RefinementRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Records a queued refinement (RUNNING). */
    public void insert(String stream, String regime, long alarmId, UUID jobId, String segment,
            Map<Integer, Long> from, Map<Integer, Long> to, long windowSamples, RefineSchedule.Growth growth,
            String reason) {
        jdbc.update("INSERT INTO refinements (stream, regime, alarm_id, job_id, segment, from_offsets, to_offsets, "
                + "window_samples, since_start_samples, last_trained_samples, growth, reason) "
                + "VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?)", stream, regime, alarmId, jobId, segment,
                json.writeValueAsString(from), json.writeValueAsString(to), windowSamples, growth.sinceStart(),
                growth.lastTrained(), growth.growth(), reason);
    }

    /** The stream's refinement still waiting for its job and promotion, if any. */
    public Optional<Refinement> running(String stream) {
        return jdbc.query("SELECT * FROM refinements WHERE stream = ? AND state = 'RUNNING' ORDER BY id LIMIT 1",
                this::map, stream).stream().findFirst();
    }

    /** The newest refinement of {@code regime} within the window of answered alarm {@code alarmId}, if any. */
    public Optional<Refinement> latest(String stream, long alarmId, String regime) {
        return jdbc.query("SELECT * FROM refinements WHERE stream = ? AND alarm_id = ? AND regime = ? "
                + "ORDER BY id DESC LIMIT 1", this::map, stream, alarmId, regime).stream().findFirst();
    }

    /** Ends a RUNNING refinement: SERVING, or STOPPED with the reason. */
    public void settle(long id, Integer version, String promotion, Double gain, String stopReason) {
        int updated = jdbc.update("UPDATE refinements SET state = ?, version = ?, promotion = ?, gain = ?, "
                + "stop_reason = ?, settled_at = now() WHERE id = ? AND state = 'RUNNING'",
                stopReason == null ? "SERVING" : "STOPPED", version, promotion, gain, stopReason, id);
        if (updated != 1) {
            throw new IllegalStateException("refinement " + id + " is no longer RUNNING: another planner settled it");
        }
    }

    /** Refinements, newest first, optionally of one stream. */
    public List<Refinement> list(String stream, int limit, int offset) {
        List<Object> args = new ArrayList<>();
        String where = "";
        if (stream != null) {
            where = " WHERE stream = ?";
            args.add(stream);
        }
        args.add(limit);
        args.add(offset);
        return jdbc.query("SELECT * FROM refinements" + where + " ORDER BY id DESC LIMIT ? OFFSET ?", this::map,
                args.toArray());
    }

    private Refinement map(ResultSet rs, int row) throws SQLException {
        return new Refinement(rs.getLong("id"), rs.getString("stream"), rs.getString("regime"),
                rs.getLong("alarm_id"), rs.getObject("job_id", UUID.class), rs.getString("segment"),
                json.readValue(rs.getString("from_offsets"), OFFSETS),
                json.readValue(rs.getString("to_offsets"), OFFSETS), rs.getLong("window_samples"),
                rs.getLong("since_start_samples"), rs.getLong("last_trained_samples"), rs.getDouble("growth"),
                rs.getString("reason"), rs.getString("state"), (Integer) rs.getObject("version"),
                rs.getString("promotion"), (Double) rs.getObject("gain"), rs.getString("stop_reason"),
                instant(rs, "created_at"), instant(rs, "settled_at"));
    }

    private static java.time.Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
