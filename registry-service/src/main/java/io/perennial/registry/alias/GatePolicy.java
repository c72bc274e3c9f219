package io.perennial.registry.alias;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;

/**
 * A model's promotion gate; a null threshold is not checked.
 *
 * @param maxNegativeFlipRate largest NFR against the serving version (samples the candidate breaks), over the probes
 *     of segments not archived
 * @param maxForgetting largest accuracy drop on any old segment not archived, relative to the best an ancestor had
 * @param minNewestAccuracy smallest accuracy on the newest segment
 * @param minImprovement smallest accuracy gain over the serving version on the same probes ({@code PFR − NFR});
 *     may be negative to tolerate a small loss
 */
public record GatePolicy(
        @DecimalMin("0") @DecimalMax("1") Double maxNegativeFlipRate,
        @DecimalMin("0") @DecimalMax("1") Double maxForgetting,
        @DecimalMin("0") @DecimalMax("1") Double minNewestAccuracy,
        @DecimalMin("-1") @DecimalMax("1") Double minImprovement) {

    /** The policy of a model that has none: no thresholds. */
    public static final GatePolicy NONE = new GatePolicy(null, null, null, null);

    /** Whether any threshold is set. */
    public boolean hasThresholds() {
        return maxNegativeFlipRate != null || maxForgetting != null || minNewestAccuracy != null
                || minImprovement != null;
    }
}
