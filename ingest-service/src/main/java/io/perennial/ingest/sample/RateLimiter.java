package io.perennial.ingest.sample;

import io.perennial.ingest.IngestProperties;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Token buckets per caller (API key or user): records per second with a burst. A request is admitted while the
 * caller's bucket is positive and charged its record count afterwards, so the count need not be known up front.
 * Disabled when the rate is 0.
 */
@Component
public class RateLimiter {

    private final double ratePerSecond;
    private final double burst;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(IngestProperties properties) {
        this.ratePerSecond = properties.getRateLimitRecordsPerSecond();
        this.burst = Math.max(1, properties.getRateLimitBurst());
    }

    /**
     * Whether {@code caller} may send now: a caller whose bucket is empty (it may go into debt by the size of its last
     * request) waits until it refills.
     *
     * @return 0 when admitted, else the seconds to wait before retrying
     */
    public long admit(String caller) {
        if (ratePerSecond <= 0) {
            return 0;
        }
        Bucket bucket = refill(caller);
        synchronized (bucket) {
            return bucket.tokens > 0 ? 0 : (long) Math.ceil((1 - bucket.tokens) / ratePerSecond);
        }
    }

    /** Charges {@code records} to {@code caller} after a request; the balance may go negative. */
    public void charge(String caller, int records) {
        if (ratePerSecond <= 0 || records == 0) {
            return;
        }
        Bucket bucket = refill(caller);
        synchronized (bucket) {
            bucket.tokens -= records;
        }
    }

    private Bucket refill(String caller) {
        Bucket bucket = buckets.computeIfAbsent(caller, c -> new Bucket(burst, System.nanoTime()));
        synchronized (bucket) {
            long now = System.nanoTime();
            bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.updated) / 1e9 * ratePerSecond);
            bucket.updated = now;
        }
        return bucket;
    }

    private static final class Bucket {
        double tokens;
        long updated;

        Bucket(double tokens, long updated) {
            this.tokens = tokens;
            this.updated = updated;
        }
    }
}
