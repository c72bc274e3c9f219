package io.perennial.registry.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The default store: blobs as fixed-size {@code bytea} chunks in {@code registry.blob_chunks}. Writes run in the
 * caller's transaction (one chunk in memory at a time), so a rolled-back upload leaves nothing behind; reads fetch
 * one chunk per query.
 */
@Component
@EnableConfigurationProperties(ArtifactProperties.class)
public class PostgresArtifactStore implements ArtifactStore {

    private final JdbcTemplate jdbc;
    private final int chunkSize;

    public PostgresArtifactStore(JdbcTemplate jdbc, ArtifactProperties properties) {
        this.jdbc = jdbc;
        this.chunkSize = (int) Math.max(4096, Math.min(properties.getChunkSize().toBytes(), 64L << 20));
    }

    @Override
    public String name() {
        return ArtifactProperties.StoreType.POSTGRES.id();
    }

    @Override
    public boolean transactional() {
        return true;
    }

    @Override
    public BlobSink create(String sha256) {
        long blobId = jdbc.queryForObject("SELECT nextval('blob_ids')", Long.class);
        return new ChunkSink(blobId);
    }

    @Override
    public InputStream open(String location) {
        return new ChunkSource(Long.parseLong(location));
    }

    @Override
    public void delete(String location) {
        jdbc.update("DELETE FROM blob_chunks WHERE blob_id = ?", Long.parseLong(location));
    }

    private final class ChunkSink extends BlobSink {
        private final long blobId;
        private final byte[] buffer = new byte[chunkSize];
        private int position;
        private int seq;

        ChunkSink(long blobId) {
            this.blobId = blobId;
        }

        @Override
        public void write(int b) {
            buffer[position++] = (byte) b;
            if (position == buffer.length) {
                flushChunk();
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            while (len > 0) {
                int n = Math.min(len, buffer.length - position);
                System.arraycopy(b, off, buffer, position, n);
                position += n;
                off += n;
                len -= n;
                if (position == buffer.length) {
                    flushChunk();
                }
            }
        }

        private void flushChunk() {
            byte[] data = position == buffer.length ? buffer : Arrays.copyOf(buffer, position);
            jdbc.update("INSERT INTO blob_chunks (blob_id, seq, data) VALUES (?, ?, ?)", blobId, seq++, data);
            position = 0;
        }

        @Override
        public String finish() {
            if (position > 0 || seq == 0) {
                flushChunk();
            }
            return Long.toString(blobId);
        }

        @Override
        public void abort() {
            jdbc.update("DELETE FROM blob_chunks WHERE blob_id = ?", blobId);
        }
    }

    private final class ChunkSource extends InputStream {
        private final long blobId;
        private byte[] chunk = new byte[0];
        private int position;
        private int seq;
        private boolean done;

        ChunkSource(long blobId) {
            this.blobId = blobId;
        }

        private boolean fill() {
            while (!done && position >= chunk.length) {
                List<byte[]> rows = jdbc.query("SELECT data FROM blob_chunks WHERE blob_id = ? AND seq = ?",
                        (rs, i) -> rs.getBytes(1), blobId, seq);
                if (rows.isEmpty()) {
                    done = true;
                } else {
                    chunk = rows.get(0);
                    position = 0;
                    seq++;
                }
            }
            return position < chunk.length;
        }

        @Override
        public int read() {
            return fill() ? chunk[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, chunk.length - position);
            System.arraycopy(chunk, position, b, off, n);
            position += n;
            return n;
        }
    }
}
