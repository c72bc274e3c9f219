package io.perennial.registry.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Where artifact bytes live. Implementations stream: neither writing nor reading holds a whole file in memory.
 *
 * <p>Digests, deduplication and validation are the caller's ({@link ArtifactService}); a store only keeps bytes
 * under a location it chooses. A store that takes part in the caller's database transaction (PostgreSQL) loses a
 * failed write on rollback; others must remove it in {@link BlobSink#abort()}.
 */
public interface ArtifactStore {

    /** The store's name, recorded with each artifact ({@code postgres}, {@code s3}). */
    String name();

    /** Starts writing a new blob. */
    BlobSink create();

    /** Opens a stored blob for reading. */
    InputStream open(String location) throws IOException;

    /** Removes a blob (no-op if absent). */
    void delete(String location);

    /** A blob being written. */
    abstract class BlobSink extends OutputStream {

        /** Flushes what is buffered and returns the blob's location. */
        public abstract String finish() throws IOException;

        /** Discards what was written. */
        public abstract void abort();
    }
}
