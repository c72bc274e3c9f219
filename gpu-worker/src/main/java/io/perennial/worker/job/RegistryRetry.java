package io.perennial.worker.job;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClientException;

/**
 * Retries a registry call while the registry is unreachable or answers 5xx, with capped exponential backoff, until
 * a deadline: a registry restart must not fail a finished training run. Client errors (4xx) are not retried.
 */
final class RegistryRetry {

    private static final Logger log = LoggerFactory.getLogger(RegistryRetry.class);

    private final Duration timeout;
    private final BooleanSupplier cancelled;

    RegistryRetry(Duration timeout, BooleanSupplier cancelled) {
        this.timeout = timeout;
        this.cancelled = cancelled;
    }

    <T> T call(String what, Callable<T> call) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long backoff = 250;
        while (true) {
            try {
                return call.call();
            } catch (HttpClientErrorException ex) {
                throw JobFailedException.permanent("registry refused to " + what + ": " + ex.getStatusCode() + " "
                        + ex.getResponseBodyAsString(), ex);
            } catch (RestClientException | java.io.UncheckedIOException | java.io.IOException ex) {
                if (System.nanoTime() > deadline) {
                    throw JobFailedException.retryable("registry unavailable for " + timeout.toSeconds()
                            + " s while trying to " + what + ": " + ex.getMessage(), ex);
                }
                if (cancelled.getAsBoolean()) {
                    throw new JobCancelledException("stopped while waiting for the registry to " + what);
                }
                log.warn("Registry call '{}' failed ({}); retrying in {} ms", what, ex.getMessage(), backoff);
                sleep(backoff);
                backoff = Math.min(backoff * 2, 5_000);
            } catch (RuntimeException ex) {
                throw ex;
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new JobCancelledException("interrupted");
        }
    }
}
