package io.perennial.drift.detector.sequential;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Page-Hinkley whose threshold is calibrated on the stream itself: it collects {@code warmup} values of the current
 * regime, sets \( \delta = \max(\delta_{min}, \tfrac14 \hat\mu) \) and the smallest \( \lambda \) whose simulated
 * false-alarm run length on bootstrap draws from those values reaches {@code targetArl}
 * ({@link ArlCalibration}), then runs {@link PageHinkley} (the warm-up values are fed to it first). After each alarm
 * or {@link #reset()} it warms up and calibrates again, so the threshold follows the new regime's error rate.
 */
public final class CalibratedPageHinkley implements SequentialDetector {

    private final int warmup;
    private final double targetArl;
    private final double minDelta;
    private final long seed;
    private final double[] buffer;
    private int buffered;
    private PageHinkley detector;
    private long lag;

    public CalibratedPageHinkley(int warmup, double targetArl, double minDelta, long seed) {
        this.warmup = warmup;
        this.targetArl = targetArl;
        this.minDelta = minDelta;
        this.seed = seed;
        this.buffer = new double[warmup];
    }

    @Override
    public String name() {
        return "page-hinkley";
    }

    @Override
    public boolean update(double value) {
        if (!Double.isFinite(value)) {
            return false;
        }
        if (detector == null) {
            buffer[buffered++] = value;
            if (buffered == warmup) {
                calibrate();
            }
            return false;
        }
        if (detector.update(value)) {
            lag = detector.changeLag();
            detector = null;
            buffered = 0;
            return true;
        }
        return false;
    }

    private void calibrate() {
        double mean = 0;
        for (double v : buffer) {
            mean += v;
        }
        mean /= warmup;
        double delta = Math.max(minDelta, mean / 4);
        double[] values = Arrays.copyOf(buffer, warmup);
        SplittableRandom random = new SplittableRandom(seed);
        double lambda = ArlCalibration.calibrate(l -> new PageHinkley(delta, l, 30),
                () -> values[random.nextInt(values.length)], targetArl, 0.5, 500, 16);
        detector = new PageHinkley(delta, lambda, 30);
        for (double v : values) {
            detector.update(v);
        }
    }

    /** The calibrated threshold, or NaN while warming up. */
    @Override
    public double threshold() {
        return detector == null ? Double.NaN : detector.threshold();
    }

    @Override
    public double statistic() {
        return detector == null ? Double.NaN : detector.statistic();
    }

    @Override
    public long changeLag() {
        return lag;
    }

    @Override
    public void reset() {
        detector = null;
        buffered = 0;
    }

    /**
     * The lag, then either the warm-up values collected so far (still calibrating) or the calibrated delta and
     * lambda followed by the Page-Hinkley state, so a restore needs no second calibration.
     */
    @Override
    public double[] state() {
        if (detector == null) {
            return States.concat(new double[] {lag, 0, buffered}, Arrays.copyOf(buffer, buffered));
        }
        return States.concat(new double[] {lag, 1, detector.delta(), detector.threshold()}, detector.state());
    }

    @Override
    public void restore(double[] state) {
        States.require(state, 3);
        lag = (long) state[0];
        if (state[1] == 0) {
            buffered = (int) state[2];
            States.require(state, 3 + buffered);
            if (buffered > warmup) {
                throw new IllegalArgumentException("more warm-up values than " + warmup);
            }
            System.arraycopy(state, 3, buffer, 0, buffered);
            detector = null;
            return;
        }
        States.require(state, 4);
        detector = new PageHinkley(state[2], state[3], 30);
        detector.restore(Arrays.copyOfRange(state, 4, state.length));
        buffered = 0;
    }
}
