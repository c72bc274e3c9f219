package io.perennial.registry.evaluation;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * An evaluation of a version on every known segment probe.
 *
 * @param servingVersion the version serving when the evaluation ran, which the flip rates compare against (null
 *     when nothing was serving)
 * @param segments one entry per segment probe, oldest segment first; the last is the newest segment
 * @param flips flip rates against the serving version pooled over all probes (optional: pooled from the segments'
 *     rates weighted by their sample counts when absent)
 * @param calibrationError expected calibration error over all probes (optional: the sample-weighted mean of the
 *     segments' when absent)
 * @param latencyMs mean prediction latency per batch, milliseconds
 * @param parameterCount trainable plus frozen parameters of the version
 */
public record EvaluationRequest(
        @Positive Integer servingVersion,
        @NotEmpty @Size(max = 10_000) List<@Valid SegmentResult> segments,
        @Valid FlipRatesDto flips,
        @DecimalMin("0") @DecimalMax("1") Double calibrationError,
        @PositiveOrZero Double latencyMs,
        @PositiveOrZero Long parameterCount) {

    /**
     * A version's result on one segment's probe: an entry {@code R[i][j]} of the accuracy matrix.
     *
     * @param segment segment id (e.g. the adapter or regime name)
     * @param accuracy accuracy on the probe, in [0, 1]
     * @param calibrationError ECE on the probe
     * @param samples probe size
     * @param negativeFlipRate NFR against the serving version on this probe
     * @param positiveFlipRate PFR against the serving version on this probe
     * @param archived the segment's regime is archived in this version (out of routing on purpose): the row still
     *     shows its accuracy, but forgetting and the gate's forgetting and flip-rate conditions leave it out; absent
     *     means false; the newest segment (the one the version learned) cannot be archived
     */
    public record SegmentResult(
            @NotBlank @Size(max = 200) String segment,
            @DecimalMin("0") @DecimalMax("1") double accuracy,
            @DecimalMin("0") @DecimalMax("1") Double calibrationError,
            @Min(1) Integer samples,
            @DecimalMin("0") @DecimalMax("1") Double negativeFlipRate,
            @DecimalMin("0") @DecimalMax("1") Double positiveFlipRate,
            Boolean archived) {

        public SegmentResult {
            // reports (and stored rows) from before archiving existed have no flag
            archived = Boolean.TRUE.equals(archived);
        }
    }

    /** Flip rates against the serving version (see {@code io.perennial.formats.metrics.FlipRates}). */
    public record FlipRatesDto(@DecimalMin("0") @DecimalMax("1") double negative,
            @DecimalMin("0") @DecimalMax("1") double positive, @Min(1) int samples) {
    }
}
