package io.perennial.contracts.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What trainer-service decided to do about drift on {@code perennial.adaptation}, keyed by stream: one decision per
 * alarm with its evidence, each remedy attempt after a refused candidate, and the alert when every remedy failed.
 */
public final class AdaptationEvents {

    private AdaptationEvents() {
    }

    /** The answer to an alarm (or, for consolidation, to an active set about to exceed its bound). */
    public enum Decision {
        /** The window matches a regime whose adapter is active: routing already serves it, nothing is trained. */
        RECURRING,
        /** The window matches an archived regime: its adapter is restored as a new version. */
        RESTORE,
        /** Only the class priors moved: a prior-corrected version of the matched regime, no adapter. */
        PRIOR_SHIFT,
        /** The window matches no known regime: a new adapter. */
        NEW_REGIME,
        /** Two active adapters are close enough to serve as one: merged. */
        MERGE,
        /** The active set is full and no pair is close: the least recently routed adapter is archived. */
        ARCHIVE,
        /** No alarm, but the current regime's data grew past the refinement schedule: its adapter is refined. */
        REFINE,
        /** The alarm needs no answer (raised before the base, superseded, or a degenerate window), with the reason. */
        NONE
    }

    /**
     * One decision.
     *
     * @param alarmId trainer-service's id of the alarm (drift trigger) decided on; null for consolidation
     * @param evidence the numbers the decision rests on (per-regime statistics, thresholds)
     * @param jobId the job that carries the decision out, if any
     */
    public record AdaptationDecided(String stream, Long alarmId, Decision decision, String reason,
            Map<String, Object> evidence, String jobId, Instant decidedAt) {
    }

    /**
     * One rung of the remedy ladder climbed after the gate refused a candidate.
     *
     * @param rung 1 for the first remedy after the refusal, 2 for the next, ...
     * @param remedy what this attempt changes (for example {@code distillation}, {@code head-only})
     * @param refused the gate's failed conditions that led to this attempt
     */
    public record AdaptationAttempted(String stream, Long alarmId, int rung, String remedy, String jobId,
            List<String> refused, Instant at) {
    }

    /**
     * Every remedy was refused: the stream keeps serving its last good version and needs an operator.
     *
     * @param attempts what was tried, in order, each with the gate's verdict
     * @param servingVersion the version that keeps serving
     */
    public record AdaptationStuck(String stream, Long alarmId, String segment, List<Map<String, Object>> attempts,
            Integer servingVersion, String reason, Instant at) {
    }
}
