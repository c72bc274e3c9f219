package io.perennial.registry.version;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The registry's append-only audit log (a trigger refuses updates and deletes). */
@Repository
public class AuditLog {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    /** One entry: who did what to which version, and why. */
    public record Entry(long id, String model, Integer version, String action, String actor, String reason,
            Map<String, Object> details, Instant at) {
    }

    private final JdbcTemplate jdbc;
    private final JsonMapper json = JsonMapper.builder().build();

    public AuditLog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Records an action in the caller's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void record(String model, Integer version, String action, String actor, String reason,
            Map<String, Object> details) {
        jdbc.update("INSERT INTO audit_events (model, version, action, actor, reason, details) "
                + "VALUES (?, ?, ?, ?, ?, ?::jsonb)", model, version, action, actor, reason,
                json.writeValueAsString(details));
    }

    /** The newest entries of a model first. */
    public List<Entry> list(String model, int limit, int offset) {
        return jdbc.query("SELECT id, model, version, action, actor, reason, details::text, at FROM audit_events "
                + "WHERE model = ? ORDER BY id DESC LIMIT ? OFFSET ?", (rs, i) -> new Entry(rs.getLong(1),
                        rs.getString(2), (Integer) rs.getObject(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), json.readValue(rs.getString(7), MAP), rs.getTimestamp(8).toInstant()),
                model, limit, offset);
    }
}
