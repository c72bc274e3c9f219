package io.perennial.contracts;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The Kafka topic catalogue (docs/ARCHITECTURE.md, Topics). Every topic name used anywhere in Perennial comes from here.
 */
public final class Topics {

    /** Prefix of the per-stream topics that hold validated samples: {@code perennial.samples.<stream>}. */
    public static final String SAMPLES_PREFIX = "perennial.samples.";

    /** Prefix of the per-stream raw Kafka ingest topics: {@code perennial.ingest.<stream>}. */
    public static final String INGEST_PREFIX = "perennial.ingest.";

    /** Matches every samples topic; consumers subscribe by pattern so new streams are picked up. */
    public static final Pattern SAMPLES_PATTERN = Pattern.compile(Pattern.quote(SAMPLES_PREFIX) + StreamName.REGEX);

    /** Matches every raw ingest topic. */
    public static final Pattern INGEST_PATTERN = Pattern.compile(Pattern.quote(INGEST_PREFIX) + StreamName.REGEX);

    /** Rejected records with reason headers; never silently dropped. Key: stream. */
    public static final String DLQ = "perennial.dlq";

    /** Stream lifecycle (created, updated, deleted). Key: stream. */
    public static final String STREAMS = "perennial.streams";

    /** Late labels. Key: sample id. */
    public static final String LABELS = "perennial.labels";

    /** Served predictions, for monitoring. Key: stream. */
    public static final String PREDICTIONS = "perennial.predictions";

    /** Drift detected or resolved. Key: stream. */
    public static final String DRIFT = "perennial.drift";

    /** Training, merge and evaluation jobs; the consumer group is the worker pool. Key: job id. */
    public static final String JOBS = "perennial.jobs";

    /** Job lifecycle and progress. Key: job id. */
    public static final String JOB_EVENTS = "perennial.job-events";

    /** Model versions registered, evaluated, promoted, rolled back. Key: model. */
    public static final String REGISTRY = "perennial.registry";

    /** What the adaptation loop decided on each alarm, its remedy attempts and stuck regimes. Key: stream. */
    public static final String ADAPTATION = "perennial.adaptation";

    /** The platform-wide topics that exist independently of any stream. */
    public static final List<String> PLATFORM_TOPICS =
            List.of(DLQ, STREAMS, LABELS, PREDICTIONS, DRIFT, JOBS, JOB_EVENTS, REGISTRY, ADAPTATION);

    private Topics() {
    }

    /** The validated samples topic of a stream. */
    public static String samples(String stream) {
        return SAMPLES_PREFIX + StreamName.require(stream);
    }

    /** The raw Kafka ingest topic of a stream. */
    public static String ingest(String stream) {
        return INGEST_PREFIX + StreamName.require(stream);
    }

    /** The stream a per-stream topic belongs to, or {@code null} for platform topics. */
    public static String streamOf(String topic) {
        if (topic.startsWith(SAMPLES_PREFIX)) {
            return topic.substring(SAMPLES_PREFIX.length());
        }
        if (topic.startsWith(INGEST_PREFIX)) {
            return topic.substring(INGEST_PREFIX.length());
        }
        return null;
    }
}
