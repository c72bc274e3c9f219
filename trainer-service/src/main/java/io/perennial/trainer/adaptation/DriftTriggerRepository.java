package io.perennial.trainer.adaptation;

import io.perennial.contracts.events.DriftEvents.DriftDetected;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Drift alarms and what the trainer did with them, in the {@code trainer} schema. */
@Repository
public class DriftTriggerRepository {

    private static final TypeReference<Map<Integer, Long>> OFFSETS = new TypeReference<>() { };

    private final JdbcTemplate jdbc;
    private final JsonMapper json = JsonMapper.builder().build();

    public DriftTriggerRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(DriftDetected drift) {
        jdbc.update("INSERT INTO drift_triggers (stream, detector, kind, start_offsets, detected_at) "
                + "VALUES (?, ?, ?, ?::jsonb, ?)", drift.stream(), drift.detector(), drift.kind(),
                json.writeValueAsString(drift.startOffsets()), Timestamp.from(drift.detectedAt()));
    }

    /** The stream's pending alarms, oldest first. Call with the stream's policy row locked. */
    public List<DriftTrigger> pending(String stream) {
        return jdbc.query("SELECT id, stream, detector, kind, start_offsets::text, detected_at FROM drift_triggers "
                + "WHERE stream = ? AND state = 'PENDING' ORDER BY id", (rs, i) -> new DriftTrigger(rs.getLong(1),
                rs.getString(2), rs.getString(3), rs.getString(4), json.readValue(rs.getString(5), OFFSETS),
                rs.getTimestamp(6).toInstant()), stream);
    }

    public void close(long id, String state, UUID jobId, String note) {
        jdbc.update("UPDATE drift_triggers SET state = ?, job_id = ?, note = ? WHERE id = ?", state, jobId, note, id);
    }
}
