package io.perennial.trainer.adaptation;

import io.perennial.contracts.events.AdaptationEvents.Decision;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A drift alarm and what became of it: its one decision with the reason and evidence, the window it is answered on,
 * and every attempt at serving the answer.
 *
 * @param state PENDING, ASSESSING, CONSOLIDATING, ACTING, DONE, STUCK, SUPERSEDED, IGNORED (SCHEDULED: before
 *     decisions existed)
 * @param segment the segment every job on the alarm's window learns
 * @param assessJobId the assessment job
 * @param jobId the job the alarm waits on now (assessment, consolidation or answer)
 * @param action the answer being carried out ({@code kind}, {@code regime}, {@code rung})
 * @param attempts each refused answer: {@code jobId}, {@code kind}, {@code rung}, {@code remedy}, {@code verdict}
 * @param consolidations each merge or archive run to make room: {@code decision}, {@code jobId}, {@code regimes},
 *     {@code outcome}
 * @param jobIds every job run for the alarm, oldest first (filled for the API)
 */
public record Alarm(long id, String stream, String detector, String kind, Instant detectedAt, String state,
        Decision decision, String reason, Map<String, Object> evidence, Instant decidedAt, String segment,
        Map<Integer, Long> fromOffsets, Map<Integer, Long> toOffsets, UUID assessJobId, UUID jobId,
        Map<String, Object> action, List<Map<String, Object>> attempts, List<Map<String, Object>> consolidations,
        String note, Instant updatedAt, List<UUID> jobIds) {

    Alarm withJobIds(List<UUID> ids) {
        return new Alarm(id, stream, detector, kind, detectedAt, state, decision, reason, evidence, decidedAt, segment,
                fromOffsets, toOffsets, assessJobId, jobId, action, attempts, consolidations, note, updatedAt,
                List.copyOf(ids));
    }
}
