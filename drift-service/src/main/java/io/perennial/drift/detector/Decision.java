package io.perennial.drift.detector;

/** The outcome of one detector evaluation. */
public enum Decision {
    /** A window was too small (or held no finite values) to test; never an alarm. */
    INSUFFICIENT_DATA,
    /** No evidence of drift at the configured level. */
    STABLE,
    /** The detector rejects "no change". */
    DRIFT
}
