package io.perennial.worker.serving;

import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Served models in the {@code worker} schema. */
@Repository
public class ServedModelRepository {

    private final JdbcTemplate jdbc;

    public ServedModelRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void register(String model, String stream) {
        jdbc.update("INSERT INTO served_models (model, stream) VALUES (?, ?) ON CONFLICT (model) DO NOTHING",
                model, stream);
    }

    public List<ServedModel> list() {
        return jdbc.query("SELECT model, stream, production_version, updated_at FROM served_models ORDER BY model",
                (rs, i) -> new ServedModel(rs.getString(1), rs.getString(2),
                        (Integer) rs.getObject(3), rs.getTimestamp(4).toInstant()));
    }
}
