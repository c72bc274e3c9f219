package io.perennial.registry.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Models in the {@code registry} schema. */
@Repository
public class ModelRepository {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private final JdbcTemplate jdbc;
    private final JsonMapper json = JsonMapper.builder().build();

    public ModelRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts a model; returns false when the name is taken. */
    public boolean insert(String name, String stream, Map<String, Object> family) {
        return jdbc.update("INSERT INTO models (name, stream, family) VALUES (?, ?, ?::jsonb) "
                + "ON CONFLICT (name) DO NOTHING", name, stream, json.writeValueAsString(family)) == 1;
    }

    public Optional<Model> find(String name) {
        return jdbc.query("SELECT name, stream, family::text, created_at FROM models WHERE name = ?",
                (rs, i) -> new Model(rs.getString(1), rs.getString(2), json.readValue(rs.getString(3), MAP),
                        rs.getTimestamp(4).toInstant()), name).stream().findFirst();
    }

    public List<Model> list(int limit, int offset) {
        return jdbc.query("SELECT name, stream, family::text, created_at FROM models ORDER BY name LIMIT ? OFFSET ?",
                (rs, i) -> new Model(rs.getString(1), rs.getString(2), json.readValue(rs.getString(3), MAP),
                        rs.getTimestamp(4).toInstant()), limit, offset);
    }
}
