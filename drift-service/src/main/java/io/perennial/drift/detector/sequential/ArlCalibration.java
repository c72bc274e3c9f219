package io.perennial.drift.detector.sequential;

import java.util.function.DoubleFunction;
import java.util.function.DoubleSupplier;

/**
 * Calibrates a sequential detector's threshold to a target average run length between false alarms (ARL0).
 *
 * <p>Runs are simulated on values drawn from the no-change regime (in practice: bootstrap draws from the reference
 * error stream, or Bernoulli draws at its error rate), each up to a horizon of twice the target. With run lengths
 * \( L_r \) (censored at the horizon) and \( A \) alarms, the exponential maximum-likelihood estimate is
 * \( \widehat{\mathrm{ARL}}_0 = \sum_r L_r / A \). The threshold is found by bisection (the ARL grows with it) as the
 * smallest value whose estimate reaches the target.
 */
public final class ArlCalibration {

    private ArlCalibration() {
    }

    /**
     * Estimates the false-alarm ARL of a detector on no-change data.
     *
     * @param runs independent simulated runs
     * @param horizon the longest run simulated
     */
    public static double averageRunLength(SequentialDetector detector, DoubleSupplier noChange, int runs,
            long horizon) {
        double totalLength = 0;
        int alarms = 0;
        for (int r = 0; r < runs; r++) {
            detector.reset();
            long t = 0;
            while (t < horizon) {
                t++;
                if (detector.update(noChange.getAsDouble())) {
                    alarms++;
                    break;
                }
            }
            totalLength += t;
        }
        return alarms == 0 ? Double.POSITIVE_INFINITY : totalLength / alarms;
    }

    /**
     * The smallest threshold in {@code [low, high]} (to a relative tolerance of 2%) whose simulated ARL0 reaches
     * {@code targetArl}.
     *
     * @param detectorAt builds the detector for a threshold
     */
    public static double calibrate(DoubleFunction<SequentialDetector> detectorAt, DoubleSupplier noChange,
            double targetArl, double low, double high, int runs) {
        long horizon = (long) Math.ceil(2 * targetArl);
        double lo = low;
        double hi = high;
        while (hi - lo > 0.02 * hi) {
            double mid = 0.5 * (lo + hi);
            if (averageRunLength(detectorAt.apply(mid), noChange, runs, horizon) >= targetArl) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }
}
