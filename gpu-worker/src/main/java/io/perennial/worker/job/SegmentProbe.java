package io.perennial.worker.job;

import io.perennial.learning.data.LabeledData;

/** A segment's held-out samples: the candidate is evaluated on them, never trained on them. */
record SegmentProbe(String segment, LabeledData data) {
}
