package io.perennial.worker.job;

import io.perennial.learning.data.LabeledData;
import java.util.List;

/** A segment's held-out samples: the candidate is evaluated on them, never trained on them. */
record SegmentProbe(String segment, LabeledData data) {

    /** The probes' samples, in order. */
    static List<LabeledData> samples(List<SegmentProbe> probes) {
        return probes.stream().map(SegmentProbe::data).toList();
    }
}
