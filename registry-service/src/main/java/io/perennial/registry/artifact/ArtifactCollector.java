package io.perennial.registry.artifact;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Garbage collection of artifacts that no version names: uploaded but never registered (a client that failed between
 * the two steps), or left by deleted versions.
 *
 * <p>An artifact is collected once it has been unreferenced for the grace period ({@code touched_at}: its upload,
 * its last deduplicated re-upload, or the deletion of the last version naming it). Each one is decided in its own
 * transaction under {@code FOR UPDATE SKIP LOCKED} on its row: a registration that is referencing it holds
 * {@code FOR KEY SHARE} (its existence check and the foreign key), so the row is skipped; a registration that comes
 * later waits for the collection and then finds no artifact (400). The reference check is repeated under the lock.
 * PostgreSQL chunks are deleted in the same transaction; an S3 object after the commit (its key is this artifact's
 * alone, and a failed delete is retried by the sweep, which also removes what crashed uploads left in the bucket).
 */
@Service
public class ArtifactCollector {

    private static final Logger log = LoggerFactory.getLogger(ArtifactCollector.class);
    private static final int BATCH = 500;

    /** What one collection removed. */
    public record Report(int artifacts, long bytes, int strays, Duration grace) {
    }

    private record Row(String store, String location, long size) {
    }

    private final JdbcTemplate jdbc;
    private final ArtifactStores stores;
    private final ArtifactRepository artifacts;
    private final TransactionTemplate transactions;
    private final MeterRegistry meters;

    public ArtifactCollector(JdbcTemplate jdbc, ArtifactStores stores, ArtifactRepository artifacts,
            TransactionTemplate transactions, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.stores = stores;
        this.artifacts = artifacts;
        this.transactions = transactions;
        this.meters = meters;
    }

    /** Removes artifacts unreferenced for longer than {@code grace}, then the stores' leftovers older than that. */
    public synchronized Report collect(Duration grace) {
        double seconds = grace.toMillis() / 1000.0;
        int count = 0;
        long bytes = 0;
        String after = "";
        List<String> batch;
        do {
            batch = jdbc.queryForList("SELECT sha256 FROM artifacts a WHERE a.sha256 > ? AND a.touched_at < now() - "
                    + "make_interval(secs => ?) AND NOT EXISTS (SELECT 1 FROM version_artifacts v WHERE v.sha256 = "
                    + "a.sha256) ORDER BY a.sha256 LIMIT " + BATCH, String.class, after, seconds);
            for (String sha256 : batch) {
                Row removed = collectOne(sha256, seconds);
                if (removed != null) {
                    count++;
                    bytes += removed.size();
                }
            }
            after = batch.isEmpty() ? after : batch.get(batch.size() - 1);
        } while (batch.size() == BATCH);
        int strays = 0;
        Instant before = Instant.now().minus(grace);
        for (ArtifactStore store : stores.all()) {
            try {
                int n = store.sweep(before, locations -> artifacts.knownLocations(store.name(), locations));
                strays += n;
                meters.counter("perennial.registry.artifacts.strays.removed", "store", store.name()).increment(n);
            } catch (RuntimeException ex) {
                log.warn("sweeping the {} artifact store failed: {}", store.name(), ex.getMessage());
            }
        }
        if (count > 0 || strays > 0) {
            log.info("artifact collection: {} unreferenced artifacts ({} bytes) and {} leftovers removed", count,
                    bytes, strays);
        }
        return new Report(count, bytes, strays, grace);
    }

    private Row collectOne(String sha256, double seconds) {
        Row row = transactions.execute(status -> {
            List<Row> locked = jdbc.query("SELECT store, location, size FROM artifacts WHERE sha256 = ? AND "
                    + "touched_at < now() - make_interval(secs => ?) FOR UPDATE SKIP LOCKED",
                    (rs, i) -> new Row(rs.getString(1), rs.getString(2), rs.getLong(3)), sha256, seconds);
            if (locked.isEmpty() || Boolean.TRUE.equals(jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM "
                    + "version_artifacts WHERE sha256 = ?)", Boolean.class, sha256))) {
                return null;
            }
            Row found = locked.get(0);
            ArtifactStore store = stores.find(found.store()).orElse(null);
            if (store == null) {
                // its bytes could not be deleted: keep the row until that store is configured again
                log.warn("artifact {} is unreferenced but stored in '{}', which is not configured here; kept",
                        sha256, found.store());
                return null;
            }
            jdbc.update("DELETE FROM artifacts WHERE sha256 = ?", sha256);
            if (store.transactional()) {
                store.delete(found.location());
            }
            return found;
        });
        if (row == null) {
            return null;
        }
        ArtifactStore store = stores.named(row.store());
        if (!store.transactional()) {
            try {
                store.delete(row.location());
            } catch (RuntimeException ex) {
                log.warn("artifact {} is collected but its object {} could not be deleted ({}); the next sweep "
                        + "removes it", sha256, row.location(), ex.getMessage());
            }
        }
        log.debug("collected artifact {} ({} bytes, {} store)", sha256, row.size(), row.store());
        Counter.builder("perennial.registry.artifacts.collected").description("Unreferenced artifacts deleted")
                .tag("store", row.store()).register(meters).increment();
        Counter.builder("perennial.registry.artifacts.collected.bytes").baseUnit("bytes")
                .description("Bytes of unreferenced artifacts deleted").tag("store", row.store()).register(meters)
                .increment(row.size());
        return row;
    }
}
