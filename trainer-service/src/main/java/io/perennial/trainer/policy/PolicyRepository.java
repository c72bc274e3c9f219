package io.perennial.trainer.policy;

import java.util.List;
import java.util.Optional;
import io.perennial.contracts.events.StreamSpec;
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

    /** Saves the stream's definition together with the policy it carries (a stream created or updated). */
    public void saveStream(StreamSpec spec, AdaptationPolicy policy) {
        jdbc.update("INSERT INTO policies (stream, policy, spec) VALUES (?, ?::jsonb, ?::jsonb) ON CONFLICT (stream) "
                + "DO UPDATE SET policy = EXCLUDED.policy, spec = EXCLUDED.spec, updated_at = now()", spec.name(),
                json.writeValueAsString(policy), json.writeValueAsString(spec));
    }

    /** The stream's definition, when its stream event has been seen. */
    public Optional<StreamSpec> spec(String stream) {
        return jdbc.query("SELECT spec::text FROM policies WHERE stream = ? AND spec IS NOT NULL",
                (rs, i) -> json.readValue(rs.getString(1), StreamSpec.class), stream).stream().findFirst();
    }

    /** Locks the stream's policy row until the transaction ends: planning of one stream is serialised. */
    public Optional<StreamPolicy> lock(String stream) {
        return jdbc.query("SELECT stream, policy::text FROM policies WHERE stream = ? FOR UPDATE", (rs, i) ->
                new StreamPolicy(rs.getString(1), policy(rs.getString(2))), stream)
                .stream().findFirst();
    }

    public Optional<StreamPolicy> find(String stream) {
        return jdbc.query("SELECT stream, policy::text FROM policies WHERE stream = ?", (rs, i) ->
                new StreamPolicy(rs.getString(1), policy(rs.getString(2))), stream)
                .stream().findFirst();
    }

    /** A stored policy; keys added to the policy after it was stored take their defaults. */
    private AdaptationPolicy policy(String stored) {
        return AdaptationPolicy.withOverrides(json.readValue(stored, MAP));
    }

    private static final tools.jackson.core.type.TypeReference<java.util.Map<String, Object>> MAP =
            new tools.jackson.core.type.TypeReference<>() { };

    public List<StreamPolicy> list() {
        return jdbc.query("SELECT stream, policy::text FROM policies ORDER BY stream", (rs, i) ->
                new StreamPolicy(rs.getString(1), policy(rs.getString(2))));
    }
}
