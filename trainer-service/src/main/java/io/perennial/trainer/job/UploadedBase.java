package io.perennial.trainer.job;

import java.time.Instant;
import java.util.Map;

/**
 * A stream whose base model was uploaded and promoted by an operator rather than trained by a {@code TRAIN_BASE} job.
 * It stands in for the base job: adapters are planned on top of it, and the samples it served before the first
 * adapter's window are the evaluation-only probe of segment {@code base}.
 *
 * @param version the registry version production pointed at when the trainer noticed it
 * @param since when production first pointed at that version; drift alarms raised earlier are ignored
 * @param probeFrom first offsets of the base probe window per partition (null until the first adapter is planned)
 * @param probeTo end offsets (exclusive) of the base probe window
 */
public record UploadedBase(String stream, int version, Instant since, Map<Integer, Long> probeFrom,
        Map<Integer, Long> probeTo) {

    /** Whether the window the base's probe is read from has been chosen. */
    public boolean hasProbe() {
        return probeFrom != null && probeTo != null;
    }
}
