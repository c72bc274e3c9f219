package io.perennial.worker.job;

import java.util.Map;

/**
 * What a finished job reports as SUCCEEDED: the version it registered, or — for a job that registers none
 * ({@code ASSESS}) — what it found.
 *
 * @param version the registered version, or null
 * @param result the job's findings for a job without a version, else null
 * @param message free text for the report
 */
public record JobOutcome(Integer version, Map<String, Object> result, String message) {

    /** A job that registered (or, redelivered, found) a version. */
    public static JobOutcome registered(int version) {
        return new JobOutcome(version, null, "registered version " + version);
    }

    /** A job that registered nothing and reports its findings. */
    public static JobOutcome found(Map<String, Object> result, String message) {
        // Not Map.copyOf: findings may hold nulls (no nearest regime).
        return new JobOutcome(null, java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(result)),
                message);
    }
}
