package io.perennial.registry.artifact.s3;

import io.perennial.registry.artifact.ArtifactProperties;
import io.perennial.registry.artifact.ArtifactStore;
import io.perennial.support.web.ApiException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Blobs as objects in an S3-compatible bucket, at {@code <prefix>sha256/<hex>/<upload id>}.
 *
 * <p>An upload is a multipart upload of {@code part-size} parts (one part in memory), or a single {@code PutObject}
 * when it fits in one part. The object appears only when {@link BlobSink#finish()} completes the upload, which the
 * caller reaches after verifying the digest: a mismatch or a truncated body aborts the multipart upload and leaves
 * no object. If the caller's transaction rolls back after that, the object is deleted again. Every upload gets its
 * own key (the id), so a lost deduplication race or a garbage collection deletes only its own object, never the
 * bytes another artifact row points at. What a crash leaves (an unfinished multipart upload, an object whose row was
 * never committed) is removed by {@link #sweep}.
 */
public class S3ArtifactStore implements ArtifactStore {

    private static final Logger log = LoggerFactory.getLogger(S3ArtifactStore.class);
    /** S3's smallest part (all but the last). */
    static final int MIN_PART = 5 * 1024 * 1024;

    private final S3Client s3;
    private final String bucket;
    private final String keys;
    private final int partSize;

    public S3ArtifactStore(S3Client s3, ArtifactProperties.S3 properties) {
        this.s3 = s3;
        this.bucket = properties.getBucket();
        String prefix = properties.getPrefix() == null ? "" : properties.getPrefix();
        this.keys = prefix + "sha256/";
        this.partSize = (int) Math.max(MIN_PART, Math.min(properties.getPartSize().toBytes(), 512L << 20));
    }

    @Override
    public String name() {
        return ArtifactProperties.StoreType.S3.id();
    }

    @Override
    public boolean transactional() {
        return false;
    }

    @Override
    public BlobSink create(String sha256) {
        return new MultipartSink(keys + sha256 + "/" + UUID.randomUUID());
    }

    @Override
    public InputStream open(String location) throws IOException {
        try {
            return s3.getObject(b -> b.bucket(bucket).key(location));
        } catch (NoSuchKeyException ex) {
            throw new IOException("object " + location + " is missing from bucket " + bucket, ex);
        } catch (SdkException ex) {
            throw new IOException("cannot read object " + location + " from bucket " + bucket + ": "
                    + ex.getMessage(), ex);
        }
    }

    @Override
    public void delete(String location) {
        call(() -> s3.deleteObject(b -> b.bucket(bucket).key(location)));
    }

    @Override
    public int sweep(Instant before, Locations known) {
        int removed = 0;
        for (ListObjectsV2Response page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(keys))) {
            List<String> old = page.contents().stream().filter(o -> o.lastModified().isBefore(before))
                    .map(S3Object::key).toList();
            if (old.isEmpty()) {
                continue;
            }
            Set<String> referenced = known.known(old);
            for (String key : old) {
                if (!referenced.contains(key)) {
                    delete(key);
                    log.info("removed stray object {} (no artifact names it)", key);
                    removed++;
                }
            }
        }
        for (MultipartUpload upload : s3.listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(keys))
                .uploads()) {
            if (upload.initiated() != null && upload.initiated().isBefore(before)) {
                abortUpload(upload.key(), upload.uploadId());
                log.info("aborted unfinished multipart upload of {} started {}", upload.key(), upload.initiated());
                removed++;
            }
        }
        return removed;
    }

    private void abortUpload(String key, String uploadId) {
        call(() -> s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)));
    }

    private static <T> T call(java.util.function.Supplier<T> request) {
        try {
            return request.get();
        } catch (SdkException ex) {
            throw ApiException.unavailable("the artifact store (S3) failed: " + ex.getMessage(), 5);
        }
    }

    /** Streams into a multipart upload, one part buffered. */
    private final class MultipartSink extends BlobSink {
        private final String key;
        /** Grows up to one part: a small upload does not hold a whole part's memory. */
        private byte[] buffer = new byte[Math.min(partSize, 64 * 1024)];
        private final List<CompletedPart> parts = new ArrayList<>();
        private int position;
        private String uploadId;
        private boolean finished;

        MultipartSink(String key) {
            this.key = key;
        }

        @Override
        public void write(int b) {
            makeRoom();
            buffer[position++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            while (len > 0) {
                makeRoom();
                int n = Math.min(len, buffer.length - position);
                System.arraycopy(b, off, buffer, position, n);
                position += n;
                off += n;
                len -= n;
            }
        }

        /** A full buffer grows until it holds a part; a full part is uploaded (only once more bytes arrive). */
        private void makeRoom() {
            if (position < buffer.length) {
                return;
            }
            if (buffer.length < partSize) {
                buffer = Arrays.copyOf(buffer, Math.min(partSize, buffer.length * 2));
            } else {
                uploadPart();
            }
        }

        private RequestBody buffered() {
            byte[] bytes = buffer;
            int length = position;
            // a provider, not fromBytes: no copy of the part, and the SDK can replay it on a retry
            return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes, 0, length), length,
                    "application/octet-stream");
        }

        private void uploadPart() {
            if (uploadId == null) {
                uploadId = call(() -> s3.createMultipartUpload(b -> b.bucket(bucket).key(key))).uploadId();
            }
            int number = parts.size() + 1;
            String etag = call(() -> s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .partNumber(number).contentLength((long) position), buffered())).eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            position = 0;
        }

        @Override
        public String finish() {
            if (uploadId == null) {
                call(() -> s3.putObject(b -> b.bucket(bucket).key(key).contentLength((long) position), buffered()));
            } else {
                if (position > 0) {
                    uploadPart();
                }
                call(() -> s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                        .multipartUpload(m -> m.parts(parts))));
            }
            finished = true;
            if (TransactionSynchronizationManager.isSynchronizationActive()) {
                // the object is outside the database transaction: take it back if the artifact row is not committed
                TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public void afterCompletion(int status) {
                        if (status != STATUS_COMMITTED) {
                            abort();
                        }
                    }
                });
            }
            return key;
        }

        @Override
        public void abort() {
            try {
                if (finished) {
                    s3.deleteObject(b -> b.bucket(bucket).key(key));
                } else if (uploadId != null) {
                    s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
                }
            } catch (SdkException ex) {
                // the sweep of the garbage collection removes it later
                log.warn("could not discard {} after a failed upload: {}", key, ex.getMessage());
            }
        }
    }
}
