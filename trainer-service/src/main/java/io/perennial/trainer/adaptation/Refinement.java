package io.perennial.trainer.adaptation;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One refinement of the continuing regime's adapter on its grown window, and what became of it.
 *
 * @param regime the regime whose adapter is refined
 * @param alarmId the answered alarm whose window the regime's data grows in (a later alarm resets the schedule)
 * @param jobId the REFINE job
 * @param segment the refinement's segment (its window, a probe for later versions)
 * @param windowSamples samples the refinement trains on (at most {@code refineMaxWindow}, the newest)
 * @param sinceStartSamples samples of the regime since the start of its latest window
 * @param lastTrainedSamples samples the adapter was last trained on
 * @param growth {@code sinceStartSamples / lastTrainedSamples}
 * @param reason why it was queued
 * @param state RUNNING (job or promotion pending), SERVING (promoted and gained enough), STOPPED (see
 *     {@code stopReason})
 * @param promotion PROMOTED, BLOCKED or CANDIDATE once decided
 * @param gain positive minus negative flip rate on the refinement's window probe against the version it replaced
 * @param stopReason why refining the regime stopped after this refinement
 */
public record Refinement(long id, String stream, String regime, long alarmId, UUID jobId, String segment,
        Map<Integer, Long> fromOffsets, Map<Integer, Long> toOffsets, long windowSamples, long sinceStartSamples,
        long lastTrainedSamples, double growth, String reason, String state, Integer version, String promotion,
        Double gain, String stopReason, Instant createdAt, Instant settledAt) {
}
