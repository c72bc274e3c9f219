package io.perennial.trainer.job;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Streams bootstrapped from an uploaded base, in the {@code trainer} schema. Remembered once noticed, so the planner
 * asks the registry only while a stream has neither a base job nor a remembered upload.
 */
@Repository
public class UploadedBaseRepository {

    private static final TypeReference<Map<Integer, Long>> OFFSETS = new TypeReference<>() { };

    private final JdbcTemplate jdbc;
    private final JsonMapper json = JsonMapper.builder().build();

    public UploadedBaseRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<UploadedBase> find(String stream) {
        return jdbc.query("SELECT stream, version, since, probe_from::text, probe_to::text FROM uploaded_bases "
                + "WHERE stream = ?", this::map, stream).stream().findFirst();
    }

    /** Remembers the stream's uploaded base; a stream keeps the first one noticed. */
    public UploadedBase remember(String stream, int version, java.time.Instant since) {
        jdbc.update("INSERT INTO uploaded_bases (stream, version, since) VALUES (?, ?, ?) ON CONFLICT (stream) "
                + "DO NOTHING", stream, version, Timestamp.from(since));
        return find(stream).orElseThrow();
    }

    /** Sets the window the base probe is read from (once, with the first adapter). */
    public void probe(String stream, Map<Integer, Long> from, Map<Integer, Long> to) {
        jdbc.update("UPDATE uploaded_bases SET probe_from = ?::jsonb, probe_to = ?::jsonb WHERE stream = ? "
                + "AND probe_from IS NULL", json.writeValueAsString(from), json.writeValueAsString(to), stream);
    }

    private UploadedBase map(ResultSet rs, int row) throws SQLException {
        String from = rs.getString(4);
        String to = rs.getString(5);
        return new UploadedBase(rs.getString(1), rs.getInt(2), rs.getTimestamp(3).toInstant(),
                from == null ? null : json.readValue(from, OFFSETS), to == null ? null : json.readValue(to, OFFSETS));
    }
}
