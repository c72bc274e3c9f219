package io.perennial.worker.job;

import io.perennial.learning.evaluation.Predictions;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a job wants registered, before the shared registration steps evaluate, upload and register it.
 *
 * @param kind the registry's version kind ({@code base}, {@code adapter}, {@code merge}, {@code prior}, ...)
 * @param parent the version this one was made from, or null for a base
 * @param serving the production version the candidate is compared with (flip rates), or null
 * @param probes every probe to evaluate on, in segment order; a new segment's probe last
 * @param servingPredictions the serving version's predictions on {@code probes}, or null without one
 * @param segment the segment the job's window becomes (its name and the regime it is mapped to), or null when the
 *     job records no window (merge, archive)
 * @param adapter the name of an adapter the job trained (listed with the window's offsets), or null
 * @param merge the merge recipe and the adapters it consumed (no longer listed as trained), or null
 * @param description free text for the registry
 */
record VersionDraft(String kind, Integer parent, Integer serving, List<SegmentProbe> probes,
        List<Predictions> servingPredictions, NewSegment segment, String adapter, Merge merge, String description) {

    /** The job's window as a new segment, mapped to a regime. */
    record NewSegment(String name, String regime) {
    }

    /**
     * @param recipe the version's {@code merge} field
     * @param consumedAdapters adapters folded into the merged one, dropped from the version's adapter list
     */
    record Merge(Map<String, Object> recipe, Set<String> consumedAdapters) {
    }

    VersionDraft {
        probes = List.copyOf(probes);
    }

    /** The probes' samples, in order. */
    List<io.perennial.learning.data.LabeledData> probeData() {
        return SegmentProbe.samples(probes);
    }
}
