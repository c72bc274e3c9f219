package io.perennial.ingest.stream;

import io.perennial.contracts.Topics;
import io.perennial.contracts.events.StreamSpec;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** Streams in the {@code ingest} schema; the definition is kept as JSON next to the queryable columns. */
@Repository
public class StreamRepository {

    private final JdbcTemplate jdbc;
    private final JsonMapper json = JsonMapper.builder().build();

    public StreamRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts a stream; returns false when the name is taken. */
    public boolean insert(StreamSpec spec) {
        return jdbc.update("INSERT INTO streams (name, spec) VALUES (?, ?::jsonb) ON CONFLICT (name) DO NOTHING",
                spec.name(), json.writeValueAsString(spec)) == 1;
    }

    /** Replaces the definition of a live stream; returns false when there is none. */
    public boolean update(StreamSpec spec) {
        return jdbc.update("UPDATE streams SET spec = ?::jsonb, updated_at = now() WHERE name = ? AND deleted_at IS NULL",
                json.writeValueAsString(spec), spec.name()) == 1;
    }

    /** Soft-deletes a stream; returns false when there is no live stream of that name. */
    public boolean markDeleted(String name) {
        return jdbc.update("UPDATE streams SET deleted_at = now() WHERE name = ? AND deleted_at IS NULL", name) == 1;
    }

    public Optional<Stream> find(String name) {
        return jdbc.query("SELECT name, spec::text, created_at FROM streams WHERE name = ? AND deleted_at IS NULL",
                this::map, name).stream().findFirst();
    }

    public List<Stream> list(int limit, int offset) {
        return jdbc.query("SELECT name, spec::text, created_at FROM streams WHERE deleted_at IS NULL "
                + "ORDER BY name LIMIT ? OFFSET ?", this::map, limit, offset);
    }

    public long count() {
        Long n = jdbc.queryForObject("SELECT count(*) FROM streams WHERE deleted_at IS NULL", Long.class);
        return n == null ? 0 : n;
    }

    private Stream map(ResultSet rs, int row) throws SQLException {
        StreamSpec spec = json.readValue(rs.getString(2), StreamSpec.class);
        return new Stream(spec, Topics.samples(spec.name()), Topics.ingest(spec.name()),
                rs.getTimestamp(3).toInstant());
    }
}
