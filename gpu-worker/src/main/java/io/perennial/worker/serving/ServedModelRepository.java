package io.perennial.worker.serving;

import io.perennial.contracts.events.StreamSpec;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Served models in the {@code worker} schema. */
@Repository
public class ServedModelRepository {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };
    private static final TypeReference<List<Integer>> INTS = new TypeReference<>() { };

    private final JdbcTemplate jdbc;
    private final JsonMapper json = JsonMapper.builder().build();

    public ServedModelRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void register(String model, String stream) {
        jdbc.update("INSERT INTO served_models (model, stream) VALUES (?, ?) ON CONFLICT (model) DO UPDATE "
                + "SET stream = EXCLUDED.stream, updated_at = now()", model, stream);
    }

    /** Records a stream's definition on its default model (named after the stream). */
    public void describe(StreamSpec spec) {
        jdbc.update("INSERT INTO served_models (model, stream, labels, input_shape) VALUES (?, ?, ?::jsonb, ?::jsonb) "
                + "ON CONFLICT (model) DO UPDATE SET labels = EXCLUDED.labels, input_shape = EXCLUDED.input_shape, "
                + "updated_at = now()", spec.name(), spec.name(), json.writeValueAsString(spec.labels()),
                json.writeValueAsString(spec.inputShape()));
    }

    public void production(String model, int version) {
        jdbc.update("UPDATE served_models SET production_version = ?, updated_at = now() WHERE model = ?", version,
                model);
    }

    public List<ServedModel> list() {
        return jdbc.query("SELECT * FROM served_models ORDER BY model", this::map);
    }

    /** The model serving a stream (its default model). */
    public Optional<ServedModel> forStream(String stream) {
        return jdbc.query("SELECT * FROM served_models WHERE stream = ? ORDER BY (model = stream) DESC LIMIT 1",
                this::map, stream).stream().findFirst();
    }

    private ServedModel map(ResultSet rs, int row) throws SQLException {
        String labels = rs.getString("labels");
        String shape = rs.getString("input_shape");
        return new ServedModel(rs.getString("model"), rs.getString("stream"), (Integer) rs.getObject("production_version"),
                labels == null ? List.of() : json.readValue(labels, STRINGS),
                shape == null ? List.of() : json.readValue(shape, INTS), rs.getTimestamp("updated_at").toInstant());
    }
}
