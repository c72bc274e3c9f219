package io.perennial.ingest;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** Ingest limits and producer tuning. */
@ConfigurationProperties("perennial.ingest")
public class IngestProperties {

    /** Most records in one request. */
    private int maxRecordsPerRequest = 100_000;

    /** Most bytes of one NDJSON line or one encoded record. */
    private DataSize maxRecordSize = DataSize.ofMegabytes(4);

    /** Bytes of accepted records not yet acknowledged by the broker, across all requests; more waits. */
    private DataSize maxInFlight = DataSize.ofMegabytes(64);

    /** How long a request waits for in-flight capacity before it is answered 429. */
    private Duration backpressureWait = Duration.ofSeconds(2);

    /** How long to wait for the broker to acknowledge a request's records. */
    private Duration ackTimeout = Duration.ofSeconds(40);

    /** How long the producer keeps retrying a record before it reports it as failed. */
    private Duration deliveryTimeout = Duration.ofSeconds(30);

    public Duration getDeliveryTimeout() {
        return deliveryTimeout;
    }

    public void setDeliveryTimeout(Duration deliveryTimeout) {
        this.deliveryTimeout = deliveryTimeout;
    }

    /** Records per second allowed per caller (API key or user); 0 disables the limit. */
    private double rateLimitRecordsPerSecond;

    /** Burst allowed above the rate limit, in records. */
    private int rateLimitBurst = 100_000;

    /** Errors listed in a response; the counts are always complete. */
    private int maxReportedErrors = 1000;

    /** How long stream definitions are cached by the ingest path. */
    private Duration streamCacheTtl = Duration.ofSeconds(5);

    /**
     * Consumers forwarding {@code perennial.ingest.*}, each with its own transactional producer. Transactions are
     * forwarded one after the other per consumer, so more consumers (up to the ingest topics' partitions) overlap
     * their round trips.
     */
    private int forwarderConcurrency = 3;

    /**
     * Records a forwarder consumer takes per poll, which is one Kafka transaction: a transaction costs the broker
     * several requests and a commit marker per partition written, so larger polls share that cost among more records
     * (at the price of redoing more on a rollback).
     */
    private int forwarderMaxPollRecords = 5000;

    /**
     * Compression of the samples topics' batches ({@code lz4}, {@code none}, {@code zstd}, ...). The producer
     * compresses while it appends, under the partition's lock that every request thread shares; {@code none} takes
     * that work off the request threads and the broker at the cost of disk and network (on the 2-core benchmark
     * machine it made no measurable difference).
     */
    private String compression = "lz4";

    public int getMaxRecordsPerRequest() {
        return maxRecordsPerRequest;
    }

    public void setMaxRecordsPerRequest(int maxRecordsPerRequest) {
        this.maxRecordsPerRequest = maxRecordsPerRequest;
    }

    public DataSize getMaxRecordSize() {
        return maxRecordSize;
    }

    public void setMaxRecordSize(DataSize maxRecordSize) {
        this.maxRecordSize = maxRecordSize;
    }

    public DataSize getMaxInFlight() {
        return maxInFlight;
    }

    public void setMaxInFlight(DataSize maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    public Duration getBackpressureWait() {
        return backpressureWait;
    }

    public void setBackpressureWait(Duration backpressureWait) {
        this.backpressureWait = backpressureWait;
    }

    public Duration getAckTimeout() {
        return ackTimeout;
    }

    public void setAckTimeout(Duration ackTimeout) {
        this.ackTimeout = ackTimeout;
    }

    public double getRateLimitRecordsPerSecond() {
        return rateLimitRecordsPerSecond;
    }

    public void setRateLimitRecordsPerSecond(double rateLimitRecordsPerSecond) {
        this.rateLimitRecordsPerSecond = rateLimitRecordsPerSecond;
    }

    public int getRateLimitBurst() {
        return rateLimitBurst;
    }

    public void setRateLimitBurst(int rateLimitBurst) {
        this.rateLimitBurst = rateLimitBurst;
    }

    public int getMaxReportedErrors() {
        return maxReportedErrors;
    }

    public void setMaxReportedErrors(int maxReportedErrors) {
        this.maxReportedErrors = maxReportedErrors;
    }

    public Duration getStreamCacheTtl() {
        return streamCacheTtl;
    }

    public void setStreamCacheTtl(Duration streamCacheTtl) {
        this.streamCacheTtl = streamCacheTtl;
    }

    public int getForwarderConcurrency() {
        return forwarderConcurrency;
    }

    public void setForwarderConcurrency(int forwarderConcurrency) {
        this.forwarderConcurrency = forwarderConcurrency;
    }

    public int getForwarderMaxPollRecords() {
        return forwarderMaxPollRecords;
    }

    public void setForwarderMaxPollRecords(int forwarderMaxPollRecords) {
        this.forwarderMaxPollRecords = forwarderMaxPollRecords;
    }

    public String getCompression() {
        return compression;
    }

    public void setCompression(String compression) {
        this.compression = compression;
    }
}
