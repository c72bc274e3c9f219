package io.perennial.registry.version;

import io.perennial.registry.version.VersionRequest.Adapter;
import io.perennial.registry.version.VersionRequest.ArtifactRef;
import io.perennial.registry.version.VersionRequest.MergeRecipe;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Versions, their lineage edges and artifact references in the {@code registry} schema. */
@Repository
public class VersionRepository {

    private static final TypeReference<List<Adapter>> ADAPTERS = new TypeReference<>() { };
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };
    private static final TypeReference<Map<String, Double>> METRICS = new TypeReference<>() { };

    private static final String COLUMNS = "v.model, v.version, v.kind, v.parent_version, v.job_id, v.adapters::text, "
            + "v.router::text, v.merge_recipe::text, v.metrics::text, v.description, v.created_by, v.created_at, "
            + "v.served_at, (SELECT coalesce(array_agg(a.alias ORDER BY a.alias), '{}') FROM aliases a "
            + "WHERE a.model = v.model AND a.version = v.version)";

    /** Filter of a version listing; null fields do not filter. */
    public record Filter(String kind, String jobId, String createdBy, Integer minVersion, Integer maxVersion) {
    }

    private final JdbcTemplate jdbc;
    private final JsonMapper json = JsonMapper.builder().build();
    private final RowMapper<Version> mapper = this::map;

    public VersionRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Takes the next version number of a model, locking the model row until the transaction ends.
     *
     * @return the number, or empty if the model does not exist
     */
    public Optional<Integer> nextNumber(String model) {
        return jdbc.query("UPDATE models SET next_version = next_version + 1 WHERE name = ? "
                + "RETURNING next_version - 1", (rs, i) -> rs.getInt(1), model).stream().findFirst();
    }

    /** Locks the model row (serialises promotions, rollbacks and registrations of one model). */
    public boolean lockModel(String model) {
        return !jdbc.queryForList("SELECT name FROM models WHERE name = ? FOR UPDATE", String.class, model).isEmpty();
    }

    /** Whether the model exists (no lock). */
    public boolean modelExists(String model) {
        return !jdbc.queryForList("SELECT name FROM models WHERE name = ?", String.class, model).isEmpty();
    }

    public void insert(String model, int version, VersionRequest r, String actor) {
        jdbc.update("INSERT INTO versions (model, version, kind, parent_version, job_id, adapters, router, "
                + "merge_recipe, metrics, description, created_by) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, "
                + "?::jsonb, ?::jsonb, ?, ?)", model, version, r.kind(), r.parentVersion(), r.jobId(),
                json.writeValueAsString(r.adapters() == null ? List.of() : r.adapters()),
                r.router() == null ? null : json.writeValueAsString(r.router()),
                r.merge() == null ? null : json.writeValueAsString(r.merge()),
                json.writeValueAsString(r.metrics() == null ? Map.of() : r.metrics()), r.description(), actor);
    }

    public void insertEdge(String model, int version, int ancestor, String relation, String adapter) {
        jdbc.update("INSERT INTO version_edges (model, version, ancestor, relation, adapter) VALUES (?, ?, ?, ?, ?) "
                + "ON CONFLICT DO NOTHING", model, version, ancestor, relation, adapter == null ? "" : adapter);
    }

    public void insertArtifactRef(String model, int version, ArtifactRef ref) {
        jdbc.update("INSERT INTO version_artifacts (model, version, name, sha256) VALUES (?, ?, ?, ?)",
                model, version, ref.name(), ref.sha256());
    }

    public Optional<Version> find(String model, int version) {
        List<Version> found = jdbc.query("SELECT " + COLUMNS + " FROM versions v WHERE v.model = ? AND v.version = ?",
                mapper, model, version);
        return withArtifacts(model, found).stream().findFirst();
    }

    public boolean exists(String model, int version) {
        return jdbc.queryForObject("SELECT count(*) FROM versions WHERE model = ? AND version = ?", Integer.class,
                model, version) > 0;
    }

    /** The adapter names a version contains, or empty if it does not exist. */
    public Optional<List<String>> adapterNames(String model, int version) {
        return jdbc.query("SELECT adapters::text FROM versions WHERE model = ? AND version = ?",
                (rs, i) -> json.readValue(rs.getString(1), ADAPTERS).stream().map(Adapter::name).toList(),
                model, version).stream().findFirst();
    }

    /** A page of versions, newest first (or oldest first with {@code ascending}). */
    public List<Version> list(String model, Filter f, boolean ascending, int limit, int offset) {
        List<Object> args = new ArrayList<>();
        String where = where(model, f, args);
        args.add(limit);
        args.add(offset);
        args.add(model);
        String order = ascending ? "ASC" : "DESC";
        // The page's keys come from the index alone; only the rows of the page are then read and projected (with
        // OFFSET on the full projection PostgreSQL would build every skipped row, aliases and JSON included).
        return withArtifacts(model, jdbc.query("SELECT " + COLUMNS + " FROM (SELECT v.version FROM versions v" + where
                + " ORDER BY v.version " + order + " LIMIT ? OFFSET ?) page JOIN versions v ON v.model = ? "
                + "AND v.version = page.version ORDER BY v.version " + order, mapper, args.toArray()));
    }

    public long count(String model, Filter f) {
        List<Object> args = new ArrayList<>();
        return jdbc.queryForObject("SELECT count(*) FROM versions v" + where(model, f, args), Long.class,
                args.toArray());
    }

    private static String where(String model, Filter f, List<Object> args) {
        StringBuilder sql = new StringBuilder(" WHERE v.model = ?");
        args.add(model);
        if (f.kind() != null) {
            sql.append(" AND v.kind = ?");
            args.add(f.kind());
        }
        if (f.jobId() != null) {
            sql.append(" AND v.job_id = ?");
            args.add(f.jobId());
        }
        if (f.createdBy() != null) {
            sql.append(" AND v.created_by = ?");
            args.add(f.createdBy());
        }
        if (f.minVersion() != null) {
            sql.append(" AND v.version >= ?");
            args.add(f.minVersion());
        }
        if (f.maxVersion() != null) {
            sql.append(" AND v.version <= ?");
            args.add(f.maxVersion());
        }
        return sql.toString();
    }

    /** Lineage edge: {@code version} derives from {@code ancestor}. */
    public record Edge(int version, int ancestor, String relation, String adapter) {
    }

    /**
     * Every edge reachable from a version towards its ancestors (recursive over parents and merge sources). The
     * {@code LATERAL … OFFSET 0} keeps each step an index lookup per frontier row; joined plainly, the planner hashes
     * all of the model's edges at every step (40 ms instead of 1 ms for 100 ancestors among 1,000 versions).
     */
    public List<Edge> ancestry(String model, int version) {
        return jdbc.query("""
                WITH RECURSIVE walk(version, ancestor, relation, adapter) AS (
                    SELECT version, ancestor, relation, adapter FROM version_edges WHERE model = ? AND version = ?
                    UNION
                    SELECT e.version, e.ancestor, e.relation, e.adapter FROM walk w CROSS JOIN LATERAL (
                        SELECT x.version, x.ancestor, x.relation, x.adapter FROM version_edges x
                        WHERE x.model = ? AND x.version = w.ancestor OFFSET 0) e
                )
                SELECT version, ancestor, relation, adapter FROM walk
                ORDER BY version DESC, relation, ancestor, adapter""",
                (rs, i) -> new Edge(rs.getInt(1), rs.getInt(2), rs.getString(3), rs.getString(4)),
                model, version, model);
    }

    /** Summary rows (number, kind, adapters, created) of the given versions. */
    public List<Version> findAll(String model, List<Integer> versions) {
        return jdbc.query(connection -> {
            var ps = connection.prepareStatement("SELECT " + COLUMNS + " FROM versions v WHERE v.model = ? "
                    + "AND v.version = ANY(?) ORDER BY v.version");
            ps.setString(1, model);
            ps.setArray(2, connection.createArrayOf("integer", versions.toArray()));
            return ps;
        }, mapper);
    }

    /** Versions that name this one as parent or merge source. */
    public List<Integer> children(String model, int version) {
        return jdbc.queryForList("SELECT DISTINCT version FROM version_edges WHERE model = ? AND ancestor = ? "
                + "ORDER BY version", Integer.class, model, version);
    }

    public int delete(String model, int version) {
        // the version's artifacts may now be unreferenced: their grace period before collection starts now
        jdbc.update("UPDATE artifacts SET touched_at = now() WHERE sha256 IN (SELECT sha256 FROM version_artifacts "
                + "WHERE model = ? AND version = ?)", model, version);
        jdbc.update("DELETE FROM version_artifacts WHERE model = ? AND version = ?", model, version);
        return jdbc.update("DELETE FROM versions WHERE model = ? AND version = ?", model, version);
    }

    private List<Version> withArtifacts(String model, List<Version> versions) {
        if (versions.isEmpty()) {
            return versions;
        }
        Map<Integer, List<ArtifactRef>> refs = new HashMap<>();
        jdbc.query(connection -> {
            var ps = connection.prepareStatement("SELECT version, name, sha256 FROM version_artifacts "
                    + "WHERE model = ? AND version = ANY(?) ORDER BY version, name");
            ps.setString(1, model);
            ps.setArray(2, connection.createArrayOf("integer", versions.stream().map(Version::version).toArray()));
            return ps;
        }, rs -> {
            refs.computeIfAbsent(rs.getInt(1), k -> new ArrayList<>()).add(new ArtifactRef(rs.getString(2),
                    rs.getString(3)));
        });
        return versions.stream().map(v -> new Version(v.model(), v.version(), v.kind(), v.parentVersion(), v.jobId(),
                v.adapters(), v.router(), v.merge(), v.metrics(), refs.getOrDefault(v.version(), List.of()),
                v.description(), v.createdBy(), v.createdAt(), v.servedAt(), v.aliases())).toList();
    }

    private Version map(ResultSet rs, int row) throws SQLException {
        String router = rs.getString(7);
        String merge = rs.getString(8);
        Timestamp served = rs.getTimestamp(13);
        Array aliases = rs.getArray(14);
        return new Version(rs.getString(1), rs.getInt(2), rs.getString(3), (Integer) rs.getObject(4),
                rs.getString(5), json.readValue(rs.getString(6), ADAPTERS),
                router == null ? null : json.readValue(router, MAP),
                merge == null ? null : json.readValue(merge, MergeRecipe.class),
                json.readValue(rs.getString(9), METRICS), List.of(), rs.getString(10), rs.getString(11),
                rs.getTimestamp(12).toInstant(), served == null ? null : served.toInstant(),
                List.of((String[]) aliases.getArray()));
    }
}
