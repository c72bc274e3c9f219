package io.perennial.registry.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Where artifact bytes live. Implementations stream: neither writing nor reading holds a whole file in memory.
 *
 * <p>Digests, deduplication and validation are the caller's ({@link ArtifactService}); a store only keeps bytes
 * under a location it chooses. A {@link #transactional() transactional} store (PostgreSQL) writes and deletes in the
 * caller's database transaction, so a rollback undoes them. Any other store must make a blob visible only in
 * {@link BlobSink#finish()}, which the caller reaches only after verifying the digest, remove it in
 * {@link BlobSink#abort()} and when the caller's transaction rolls back after {@code finish}, and give every blob a
 * location of its own, so deleting one never touches another's bytes.
 */
public interface ArtifactStore {

    /** The store's name, recorded with each artifact ({@code postgres}, {@code s3}). */
    String name();

    /** Whether writes and deletes take part in the caller's database transaction. */
    boolean transactional();

    /**
     * Starts writing a new blob.
     *
     * @param sha256 the digest the client announced; a store may use it to name the blob, which it makes visible
     *        only once the caller has verified that digest
     */
    BlobSink create(String sha256);

    /** Opens a stored blob for reading. */
    InputStream open(String location) throws IOException;

    /** Removes a blob (no-op if absent). */
    void delete(String location);

    /**
     * Removes what a crash can leave in a non-transactional store: blobs that no artifact row names and unfinished
     * writes, both older than {@code before}. A transactional store has no such leftovers.
     *
     * @param known which of the given locations an artifact row of this store names
     * @return the number of leftovers removed
     */
    default int sweep(Instant before, Locations known) {
        return 0;
    }

    /** Looks locations up in the artifact rows. */
    @FunctionalInterface
    interface Locations {
        /** The subset of {@code locations} that artifact rows name. */
        Set<String> known(List<String> locations);
    }

    /** A blob being written. */
    abstract class BlobSink extends OutputStream {

        /** Flushes what is buffered, makes the blob visible and returns its location. */
        public abstract String finish() throws IOException;

        /** Discards what was written (also after {@link #finish()}). */
        public abstract void abort();
    }
}
