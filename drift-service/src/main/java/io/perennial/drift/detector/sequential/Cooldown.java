package io.perennial.drift.detector.sequential;

/**
 * Suppresses a detector's alarms for {@code samples} values after each alarm it raised, so one change gives one
 * alarm: ADWIN, for example, signals again at every check while it drops the old regime bucket by bucket, and a
 * restarted Page-Hinkley or DDM may fire again while its estimates settle on the new regime.
 */
public final class Cooldown implements SequentialDetector {

    private final SequentialDetector inner;
    private final long samples;
    private long quietUntil;
    private long t;

    public Cooldown(SequentialDetector inner, long samples) {
        this.inner = inner;
        this.samples = samples;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public boolean update(double value) {
        if (!Double.isFinite(value)) {
            return false;
        }
        t++;
        boolean alarm = inner.update(value);
        if (alarm && t > quietUntil) {
            quietUntil = t + samples;
            return true;
        }
        return false;
    }

    @Override
    public boolean warning() {
        return inner.warning();
    }

    @Override
    public double statistic() {
        return inner.statistic();
    }

    @Override
    public double threshold() {
        return inner.threshold();
    }

    @Override
    public long changeLag() {
        return inner.changeLag();
    }

    @Override
    public void reset() {
        inner.reset();
        quietUntil = 0;
        t = 0;
    }

    /** The cooldown's position, then the wrapped detector's state. */
    @Override
    public double[] state() {
        return States.concat(new double[] {t, quietUntil}, inner.state());
    }

    @Override
    public void restore(double[] state) {
        States.require(state, 2);
        t = (long) state[0];
        quietUntil = (long) state[1];
        inner.restore(java.util.Arrays.copyOfRange(state, 2, state.length));
    }
}
