package io.perennial.trainer.policy;

import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** Policies in the {@code trainer} schema. */
@Repository
public class PolicyRepository {

    private final JdbcTemplate jdbc;
    private final JsonMapper json = JsonMapper.builder().build();

    public PolicyRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A stream and its policy. */
    public record StreamPolicy(String stream, AdaptationPolicy policy) {
    }

    public void save(String stream, AdaptationPolicy policy) {
        jdbc.update("INSERT INTO policies (stream, policy) VALUES (?, ?::jsonb) ON CONFLICT (stream) DO UPDATE "
                + "SET policy = EXCLUDED.policy, updated_at = now()", stream, json.writeValueAsString(policy));
    }

    public Optional<StreamPolicy> find(String stream) {
        return jdbc.query("SELECT stream, policy::text FROM policies WHERE stream = ?", (rs, i) ->
                new StreamPolicy(rs.getString(1), json.readValue(rs.getString(2), AdaptationPolicy.class)), stream)
                .stream().findFirst();
    }

    public List<StreamPolicy> list() {
        return jdbc.query("SELECT stream, policy::text FROM policies ORDER BY stream", (rs, i) ->
                new StreamPolicy(rs.getString(1), json.readValue(rs.getString(2), AdaptationPolicy.class)));
    }
}
