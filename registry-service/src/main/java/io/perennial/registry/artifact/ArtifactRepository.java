package io.perennial.registry.artifact;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Artifact rows (the bytes are in an {@link ArtifactStore}). */
@Repository
public class ArtifactRepository {

    private static final TypeReference<List<String>> LIST = new TypeReference<>() { };

    /** An artifact row with its storage location. */
    public record Stored(Artifact artifact, String location) {
    }

    private final JdbcTemplate jdbc;
    private final JsonMapper json = JsonMapper.builder().build();

    public ArtifactRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts an artifact; false when the digest is already stored (a concurrent upload won). */
    public boolean insert(String sha256, long size, String store, String location, ArtifactKind kind, String format,
            List<String> tensors, String actor) {
        return jdbc.update("INSERT INTO artifacts (sha256, size, store, location, kind, format, tensors, uploaded_by) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?) ON CONFLICT (sha256) DO NOTHING", sha256, size, store,
                location, kind.id(), format, tensors == null ? null : json.writeValueAsString(tensors), actor) == 1;
    }

    /**
     * Restarts an artifact's grace period (see {@code perennial.registry.artifacts.gc.grace}); the row stays locked
     * until the caller's transaction ends, so a collection cannot delete it meanwhile.
     *
     * @return whether the artifact exists
     */
    public boolean touch(String sha256) {
        return jdbc.update("UPDATE artifacts SET touched_at = now() WHERE sha256 = ?", sha256) == 1;
    }

    /** Which of these locations in {@code store} an artifact row names. */
    public Set<String> knownLocations(String store, List<String> locations) {
        return new HashSet<>(jdbc.query(connection -> {
            var ps = connection.prepareStatement("SELECT location FROM artifacts WHERE store = ? AND location = ANY(?)");
            ps.setString(1, store);
            ps.setArray(2, connection.createArrayOf("text", locations.toArray()));
            return ps;
        }, (rs, i) -> rs.getString(1)));
    }

    public Optional<Stored> find(String sha256) {
        return jdbc.query("SELECT sha256, size, kind, format, store, tensors::text, uploaded_by, uploaded_at, location "
                + "FROM artifacts WHERE sha256 = ?", (rs, i) -> new Stored(new Artifact(rs.getString(1),
                        rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6) == null ? null : json.readValue(rs.getString(6), LIST), rs.getString(7),
                        rs.getTimestamp(8).toInstant(), false), rs.getString(9)), sha256).stream().findFirst();
    }
}
