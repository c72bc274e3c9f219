package io.perennial.registry.alias;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Aliases and gate policies. */
@Repository
public class AliasRepository {

    /** An alias and the version it points at. */
    public record Alias(String model, String alias, int version, String movedBy, Instant movedAt) {
    }

    private final JdbcTemplate jdbc;

    public AliasRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Integer> target(String model, String alias) {
        return jdbc.queryForList("SELECT version FROM aliases WHERE model = ? AND alias = ?", Integer.class, model,
                alias).stream().findFirst();
    }

    public List<Alias> list(String model) {
        return jdbc.query("SELECT model, alias, version, moved_by, moved_at FROM aliases WHERE model = ? ORDER BY alias",
                (rs, i) -> new Alias(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                        rs.getTimestamp(5).toInstant()), model);
    }

    /** Points an alias at a version (creating it if needed). */
    public void set(String model, String alias, int version, String actor) {
        jdbc.update("INSERT INTO aliases (model, alias, version, moved_by) VALUES (?, ?, ?, ?) ON CONFLICT (model, alias) "
                + "DO UPDATE SET version = EXCLUDED.version, moved_by = EXCLUDED.moved_by, moved_at = now()",
                model, alias, version, actor);
    }

    /** Creates an alias; false when the name is taken. */
    public boolean create(String model, String alias, int version, String actor) {
        return jdbc.update("INSERT INTO aliases (model, alias, version, moved_by) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (model, alias) DO NOTHING", model, alias, version, actor) == 1;
    }

    public boolean delete(String model, String alias) {
        return jdbc.update("DELETE FROM aliases WHERE model = ? AND alias = ?", model, alias) == 1;
    }

    public void markServed(String model, int version) {
        jdbc.update("UPDATE versions SET served_at = coalesce(served_at, now()) WHERE model = ? AND version = ?",
                model, version);
    }

    /** Whether any version of the model has ever been production. */
    public boolean anyServed(String model) {
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT exists(SELECT 1 FROM versions WHERE model = ? "
                + "AND served_at IS NOT NULL)", Boolean.class, model));
    }

    public GatePolicy policy(String model) {
        return jdbc.query("SELECT max_negative_flip_rate, max_forgetting, min_newest_accuracy, min_improvement "
                + "FROM gate_policies WHERE model = ?", (rs, i) -> new GatePolicy((Double) rs.getObject(1),
                        (Double) rs.getObject(2), (Double) rs.getObject(3), (Double) rs.getObject(4)), model)
                .stream().findFirst().orElse(GatePolicy.NONE);
    }

    public void savePolicy(String model, GatePolicy p, String actor) {
        jdbc.update("INSERT INTO gate_policies (model, max_negative_flip_rate, max_forgetting, min_newest_accuracy, "
                + "min_improvement, updated_by) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (model) DO UPDATE SET "
                + "max_negative_flip_rate = EXCLUDED.max_negative_flip_rate, max_forgetting = EXCLUDED.max_forgetting, "
                + "min_newest_accuracy = EXCLUDED.min_newest_accuracy, min_improvement = EXCLUDED.min_improvement, "
                + "updated_by = EXCLUDED.updated_by, updated_at = now()", model, p.maxNegativeFlipRate(),
                p.maxForgetting(), p.minNewestAccuracy(), p.minImprovement(), actor);
    }
}
