package io.perennial.drift.detector.sequential;

/**
 * A change detector fed one value at a time (an error bit, a loss). After a detected change the detector restarts on
 * the new regime by itself.
 */
public interface SequentialDetector {

    /** The detector's name, e.g. {@code adwin}. */
    String name();

    /**
     * Adds one value; non-finite values are ignored.
     *
     * @return whether a change was detected at this value
     */
    boolean update(double value);

    /** Whether the last update put the detector in its warning zone (false for detectors without one). */
    default boolean warning() {
        return false;
    }

    /** The current test statistic (detector specific; NaN before enough data). */
    double statistic();

    /** The threshold the statistic is compared with. */
    double threshold();

    /**
     * How many of the most recent values belong to the new regime, estimated at the last detection: where the offset
     * of the first sample of the new regime is found.
     */
    long changeLag();

    /** Forgets everything. */
    void reset();

    /**
     * Everything the detector has learnt, as plain numbers, so that {@link #restore} on a detector built with the same
     * parameters continues exactly as this one would (a restarted service checkpoints it with each evaluation).
     */
    double[] state();

    /**
     * Continues from a {@link #state()} of a detector with the same parameters.
     *
     * @throws IllegalArgumentException when the state is not one this detector wrote
     */
    void restore(double[] state);
}
