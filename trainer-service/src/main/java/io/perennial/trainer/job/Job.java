package io.perennial.trainer.job;

import io.perennial.contracts.events.JobEvents.JobKind;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A job as stored and shown.
 *
 * @param fromOffsets per partition of the samples topic, first offset of the window (inclusive)
 * @param toOffsets per partition, end of the window (exclusive)
 * @param lossHistory training loss by step, as reported by the worker
 * @param segment the segment a training job learns ({@code base}, {@code seg-1}, ...)
 * @param promotion what became of the registered version: PROMOTED, CANDIDATE or BLOCKED (null: not decided yet)
 * @param promotionDetail why, e.g. the gate's failed conditions
 * @param result what a succeeded job that registers no version reported (an ASSESS job's evidence), else null
 */
public record Job(UUID id, String stream, JobKind kind, JobState state, int attempt, int maxAttempts,
        Map<Integer, Long> fromOffsets, Map<Integer, Long> toOffsets, Map<String, Object> parameters, String worker,
        Long step, Long totalSteps, Double loss, Double samplesPerSecond, List<double[]> lossHistory, Integer version,
        String message, Instant lastHeartbeat, String createdBy, Instant createdAt, Instant updatedAt,
        Instant startedAt, Instant finishedAt, String segment, String promotion, String promotionDetail,
        Map<String, Object> result) {
}
