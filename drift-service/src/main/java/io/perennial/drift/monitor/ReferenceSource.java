package io.perennial.drift.monitor;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * Where a stream's reference window came from, shown in {@code /status} and stored with the monitor's checkpoint.
 *
 * @param kind {@code next-samples} (the first samples after start, a reset, a configuration change, an alarm or a
 *     promotion that fell back), {@code segment} (the training segment of the version promoted to production) or
 *     {@code kept} (a promoted version trained on no segment of this stream, e.g. an uploaded base: the reference in
 *     place stays)
 * @param model the promoted model, when a promotion set (or tried to set) the reference
 * @param version the promoted version
 * @param segment the name of the segment read (an adapter or the base window), for {@code segment}
 * @param fromOffsets per partition, the first offset of the samples the reference holds (segment) or of the
 *     segment that was asked for (fallback)
 * @param toOffsets per partition, the offset after the last sample the reference holds (segment)
 * @param fallback why a promotion's segment could not be used: {@code registry-unreachable},
 *     {@code version-unknown}, {@code no-segment}, {@code aged-out}, {@code too-few-samples}, {@code read-failed},
 *     {@code buffer-full}; null otherwise
 * @param detail a sentence for people (what was read, or why it could not be)
 * @param since when this reference was chosen
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReferenceSource(String kind, String model, Integer version, String segment,
        Map<Integer, Long> fromOffsets, Map<Integer, Long> toOffsets, String fallback, String detail, Instant since) {

    /** The next samples form the reference. */
    public static final String NEXT_SAMPLES = "next-samples";

    /** The promoted version's training segment is the reference. */
    public static final String SEGMENT = "segment";

    /** The reference in place before the promotion stays (the version names no segment to take one from). */
    public static final String KEPT = "kept";

    static ReferenceSource nextSamples(Instant now) {
        return new ReferenceSource(NEXT_SAMPLES, null, null, null, null, null, null, null, now);
    }
}
