package io.perennial.trainer.adaptation;

import io.perennial.contracts.events.JobEvents.JobKind;
import io.perennial.trainer.job.JobState;
import io.perennial.trainer.policy.AdaptationPolicy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The continuing regime's refinement schedule: which regime the stream receives now, when its adapter is refined on
 * the regime's grown window, on which offsets, and when refining it stops. Pure, unit-tested; {@link Refinements}
 * carries it out.
 */
final class RefineSchedule {

    private RefineSchedule() {
    }

    /** The regime the stream's data belongs to now, or why no regime can be refined ({@code regime} null). */
    record Current(String regime, String whyNone) {

        static Current of(String regime) {
            return new Current(regime, null);
        }

        static Current none(String why) {
            return new Current(null, why);
        }
    }

    /**
     * The regime of the latest answered alarm, if its adapter serves it alone: the new adapter's segment, the
     * recurrence's or the prior shift's regime. Not the base (no adapter), not an archived regime, not one merged
     * into another's adapter, and only when the alarm's answer was promoted (DONE and its last job PROMOTED).
     *
     * @param state the latest decided alarm's state
     * @param action its answer ({@code kind}, {@code regime}); null when it got none
     * @param segment its window's segment (a new adapter's regime)
     * @param lastJob the kind of the job it waited on last; null when none
     * @param lastPromotion that job's promotion; null when undecided
     * @param set the active set production serves
     */
    static Current current(String state, Map<String, Object> action, String segment, JobKind lastJob,
            String lastPromotion, ActiveSet set) {
        if (!"DONE".equals(state) || action == null) {
            return Current.none("the latest alarm is " + state + " without an answer that serves");
        }
        JobKind kind = JobKind.valueOf(String.valueOf(action.get("kind")));
        if (kind != lastJob || !"PROMOTED".equals(lastPromotion)) {
            return Current.none("the latest alarm's answer does not serve (" + lastJob + " " + lastPromotion + ")");
        }
        String regime = switch (kind) {
            case TRAIN_ADAPTER -> segment;
            case RESTORE, PRIOR_CORRECT -> action.get("regime") == null ? null : String.valueOf(action.get("regime"));
            default -> null;
        };
        if (regime == null) {
            return Current.none("the latest alarm's answer (" + kind + ") names no regime");
        }
        if (ActiveSet.BASE.equals(regime)) {
            return Current.none("the current regime is the base: it has no adapter to refine");
        }
        if (set.isArchived(regime)) {
            return Current.none("regime " + regime + " is archived");
        }
        Set<String> group = set.groupOf(regime);
        if (group == null) {
            return Current.none("regime " + regime + " is served by no adapter");
        }
        if (group.size() > 1) {
            return Current.none("regime " + regime + " shares a merged adapter with " + group);
        }
        return Current.of(regime);
    }

    /** Whether the regime's data grew enough since its adapter was last trained. */
    record Growth(long sinceStart, long lastTrained, double growth, boolean due) {

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("samplesSinceStart", sinceStart);
            m.put("lastTrainedSamples", lastTrained);
            m.put("growth", growth);
            return m;
        }
    }

    /**
     * @param sinceStart samples of the regime since the start of its latest window
     * @param lastTrained samples the regime's adapter was last trained on (its adapter's or its last refinement's
     *     window)
     */
    static Growth growth(long sinceStart, long lastTrained, AdaptationPolicy policy) {
        if (lastTrained <= 0) {
            throw new IllegalArgumentException("the adapter's training window must hold samples, got " + lastTrained);
        }
        double growth = (double) sinceStart / lastTrained;
        return new Growth(sinceStart, lastTrained, growth, growth >= policy.refineGrowth());
    }

    /** Records per partition between {@code from} (inclusive) and {@code to} (exclusive). */
    static long samples(Map<Integer, Long> from, Map<Integer, Long> to) {
        long n = 0;
        for (Map.Entry<Integer, Long> e : to.entrySet()) {
            n += Math.max(0, e.getValue() - from.getOrDefault(e.getKey(), e.getValue()));
        }
        return n;
    }

    /**
     * The refinement's first offsets: the regime's window from {@code start} up to the topic's latest offsets, only
     * what Kafka still holds, capped at the newest {@code max} records (shared among partitions in proportion to what
     * each holds since the start). The window ends at the latest offsets.
     */
    static Map<Integer, Long> windowStart(Map<Integer, Long> start, Map<Integer, SampleOffsets.Range> offsets,
            int max) {
        Map<Integer, Long> from = WindowPlanner.startsOf(start, offsets);
        long available = 0;
        for (Map.Entry<Integer, Long> e : from.entrySet()) {
            available += offsets.get(e.getKey()).latest() - e.getValue();
        }
        if (available <= max) {
            return from;
        }
        Map<Integer, Long> capped = new LinkedHashMap<>();
        long left = max;
        for (Map.Entry<Integer, Long> e : from.entrySet()) {
            long latest = offsets.get(e.getKey()).latest();
            long have = latest - e.getValue();
            long share = Math.min(left, Math.min(have, (long) Math.ceil((double) max * have / available)));
            capped.put(e.getKey(), latest - share);
            left -= share;
        }
        return capped;
    }

    /** The topic's latest offsets: where a refinement's window ends. */
    static Map<Integer, Long> ends(Map<Integer, SampleOffsets.Range> offsets) {
        Map<Integer, Long> to = new LinkedHashMap<>();
        offsets.forEach((p, r) -> to.put(p, r.latest()));
        return to;
    }

    /**
     * Why refining stops after this refinement, or null when its version serves and gained enough to go on.
     *
     * @param state the refinement job's state (terminal)
     * @param message the job's message
     * @param version the version it registered, or null
     * @param promotion PROMOTED, BLOCKED or CANDIDATE (null while undecided, or for a job without a version)
     * @param detail the promotion's detail (the gate's verdict when BLOCKED)
     * @param gain positive minus negative flip rate on the refinement's window probe; null when not measured
     */
    static String stopReason(JobState state, String message, Integer version, String promotion, String detail,
            Double gain, String segment, AdaptationPolicy policy) {
        if (state != JobState.SUCCEEDED) {
            return "the refinement job " + state.name().toLowerCase() + (message == null ? "" : ": " + message);
        }
        if (version == null) {
            return "the refinement registered no version";
        }
        if ("BLOCKED".equals(promotion)) {
            return "the gate refused version " + version + ": " + detail;
        }
        if (!"PROMOTED".equals(promotion)) {
            return "version " + version + " was left as candidate (autoPromote is off): an operator decides";
        }
        if (gain == null) {
            return "version " + version + " serves, but its evaluation has no flip rates for segment " + segment
                    + ": no gain measured";
        }
        if (gain < policy.refineMinGain()) {
            return String.format(java.util.Locale.ROOT, "version %d gained %.4f (PFR - NFR on %s) < refineMinGain "
                    + "%.4f: held-out accuracy stopped improving", version, gain, segment, policy.refineMinGain());
        }
        return null;
    }
}
