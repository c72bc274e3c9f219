package io.perennial.registry.artifact;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** Artifact storage settings ({@code perennial.registry.artifacts}). */
@ConfigurationProperties("perennial.registry.artifacts")
public class ArtifactProperties {

    /** Where new uploads are written (default {@code postgres}); artifacts are always read from their own store. */
    private StoreType store = StoreType.POSTGRES;

    /** Size of one stored chunk of a blob in the PostgreSQL store (default 1MB). */
    private DataSize chunkSize = DataSize.ofMegabytes(1);

    /** The S3-compatible store, used when {@code store=s3}. */
    private final S3 s3 = new S3();

    /** Garbage collection of artifacts that no version names. */
    private final Gc gc = new Gc();

    public StoreType getStore() {
        return store;
    }

    public void setStore(StoreType store) {
        this.store = store;
    }

    public DataSize getChunkSize() {
        return chunkSize;
    }

    public void setChunkSize(DataSize chunkSize) {
        this.chunkSize = chunkSize;
    }

    public S3 getS3() {
        return s3;
    }

    public Gc getGc() {
        return gc;
    }

    /** The artifact stores. */
    public enum StoreType {
        /** Chunks in the service's PostgreSQL schema, written in the upload's transaction. */
        POSTGRES,
        /** Objects in an S3-compatible bucket. */
        S3;

        /** The name recorded with each artifact ({@code postgres}, {@code s3}). */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * An S3-compatible bucket. Credentials come from {@code access-key-id}/{@code secret-access-key} when both are set
     * (e.g. from {@code PERENNIAL_REGISTRY_ARTIFACTS_S3_ACCESS_KEY_ID}), otherwise from the AWS SDK's default chain
     * ({@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, profiles, instance roles); there is no default secret.
     */
    public static class S3 {

        /** Endpoint of an S3-compatible server (e.g. {@code http://minio:9000}); unset = AWS S3 for the region. */
        private URI endpoint;

        /** Region for request signing (default {@code us-east-1}, which most S3-compatible servers accept). */
        private String region = "us-east-1";

        /** Bucket that holds the artifacts (required). */
        private String bucket;

        /** Key prefix inside the bucket (default {@code artifacts/}); objects are {@code <prefix>sha256/<hex>/<id>}. */
        private String prefix = "artifacts/";

        /** Path-style addressing ({@code endpoint/bucket/key}), which most S3-compatible servers need (default true). */
        private boolean pathStyle = true;

        /** Size of one multipart-upload part, the most one upload holds in memory (default 8MB, at least 5MB). */
        private DataSize partSize = DataSize.ofMegabytes(8);

        /** Creates the bucket at startup when it does not exist (default false: a missing bucket fails startup). */
        private boolean createBucket;

        /** Access key id; leave unset to use the AWS SDK's default credential chain. */
        private String accessKeyId;

        /** Secret access key; leave unset to use the AWS SDK's default credential chain. */
        private String secretAccessKey;

        public URI getEndpoint() {
            return endpoint;
        }

        public void setEndpoint(URI endpoint) {
            this.endpoint = endpoint;
        }

        public String getRegion() {
            return region;
        }

        public void setRegion(String region) {
            this.region = region;
        }

        public String getBucket() {
            return bucket;
        }

        public void setBucket(String bucket) {
            this.bucket = bucket;
        }

        public String getPrefix() {
            return prefix;
        }

        public void setPrefix(String prefix) {
            this.prefix = prefix;
        }

        public boolean isPathStyle() {
            return pathStyle;
        }

        public void setPathStyle(boolean pathStyle) {
            this.pathStyle = pathStyle;
        }

        public DataSize getPartSize() {
            return partSize;
        }

        public void setPartSize(DataSize partSize) {
            this.partSize = partSize;
        }

        public boolean isCreateBucket() {
            return createBucket;
        }

        public void setCreateBucket(boolean createBucket) {
            this.createBucket = createBucket;
        }

        public String getAccessKeyId() {
            return accessKeyId;
        }

        public void setAccessKeyId(String accessKeyId) {
            this.accessKeyId = accessKeyId;
        }

        public String getSecretAccessKey() {
            return secretAccessKey;
        }

        public void setSecretAccessKey(String secretAccessKey) {
            this.secretAccessKey = secretAccessKey;
        }
    }

    /** Garbage collection of unreferenced artifacts. */
    public static class Gc {

        /** Runs the collection on a schedule (default true); {@code POST /v1/artifacts/gc} runs it on demand. */
        private boolean enabled = true;

        /** Time between scheduled collections, also the delay of the first (default 1h). */
        private Duration interval = Duration.ofHours(1);

        /**
         * How long an artifact must have been unreferenced (since its upload, its last deduplicated re-upload or the
         * deletion of the last version naming it) before it is collected (default 1h), so a client that uploaded and
         * is about to register a version is not raced.
         */
        private Duration grace = Duration.ofHours(1);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getInterval() {
            return interval;
        }

        public void setInterval(Duration interval) {
            this.interval = interval;
        }

        public Duration getGrace() {
            return grace;
        }

        public void setGrace(Duration grace) {
            this.grace = grace;
        }
    }
}
