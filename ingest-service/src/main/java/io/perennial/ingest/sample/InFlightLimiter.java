package io.perennial.ingest.sample;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.perennial.ingest.IngestProperties;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Bounds the bytes of accepted samples that the broker has not acknowledged yet, across all requests. When the broker
 * is slow or down, requests wait briefly for capacity and are then told to come back later (429) instead of filling
 * memory.
 */
@Component
public class InFlightLimiter {

    private final Semaphore permits;
    private final int capacity;
    private final Duration wait;

    public InFlightLimiter(IngestProperties properties, MeterRegistry meters) {
        this.capacity = (int) Math.min(Integer.MAX_VALUE, properties.getMaxInFlight().toBytes());
        this.permits = new Semaphore(capacity);
        this.wait = properties.getBackpressureWait();
        Gauge.builder("perennial.ingest.inflight.bytes", this, l -> l.capacity - l.permits.availablePermits())
                .description("Accepted sample bytes not yet acknowledged by the broker").register(meters);
    }

    /** Reserves capacity for {@code bytes}; false when none freed up within the configured wait. */
    public boolean acquire(int bytes) {
        int n = Math.min(bytes, capacity);
        try {
            return permits.tryAcquire(n, wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public void release(int bytes) {
        permits.release(Math.min(bytes, capacity));
    }

    /** Whether the limiter is nearly full (new requests are refused at once). */
    public boolean saturated() {
        return permits.availablePermits() < capacity / 20;
    }
}
