package io.perennial.client;

import java.util.List;

/**
 * What happened to the samples of one {@link PerennialClient#send} call, after retries.
 *
 * @param accepted samples the platform acknowledged (written to Kafka)
 * @param rejected samples the platform refused as invalid, with reasons; retrying them cannot help
 * @param failed samples still not written after the last retry
 * @param attempts HTTP requests made
 */
public record SendReport(int accepted, List<Rejection> rejected, int failed, int attempts) {

    /** An invalid sample: its position in the input list, the field and the reason. */
    public record Rejection(int index, String field, String reason) {
    }

    /** Whether every sample was written. */
    public boolean complete() {
        return rejected.isEmpty() && failed == 0;
    }
}
