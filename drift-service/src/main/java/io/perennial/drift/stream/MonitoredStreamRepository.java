package io.perennial.drift.stream;

import io.perennial.contracts.events.StreamSpec;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** Monitored streams in the {@code drift} schema. */
@Repository
public class MonitoredStreamRepository {

    private final JdbcTemplate jdbc;
    private final JsonMapper json = JsonMapper.builder().build();

    public MonitoredStreamRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts or refreshes a stream's definition. */
    public void upsert(StreamSpec spec) {
        jdbc.update("INSERT INTO monitored_streams (name, spec) VALUES (?, ?::jsonb) "
                + "ON CONFLICT (name) DO UPDATE SET spec = EXCLUDED.spec, deleted_at = NULL",
                spec.name(), json.writeValueAsString(spec));
    }

    public void markDeleted(String name) {
        jdbc.update("UPDATE monitored_streams SET deleted_at = now() WHERE name = ?", name);
    }

    public List<MonitoredStream> list() {
        return jdbc.query("SELECT name, spec::text, created_at FROM monitored_streams WHERE deleted_at IS NULL "
                + "ORDER BY name", (rs, i) -> new MonitoredStream(rs.getString(1),
                        json.readValue(rs.getString(2), StreamSpec.class), rs.getTimestamp(3).toInstant()));
    }
}
