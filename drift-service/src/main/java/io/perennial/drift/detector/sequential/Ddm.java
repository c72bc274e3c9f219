package io.perennial.drift.detector.sequential;

/**
 * The Drift Detection Method (Gama et al. 2004) on a stream of 0/1 errors: with \( p_i \) the running error rate and
 * \( s_i = \sqrt{p_i(1-p_i)/i} \), it remembers the minimum of \( p_i + s_i \) and signals a warning when
 * \( p_i + s_i \ge p_{min} + w\,s_{min} \) and a drift when \( p_i + s_i \ge p_{min} + k\,s_{min} \) (classically
 * \( w = 2, k = 3 \); {@code k} is the knob calibration turns). Follows MOA's {@code DDM}.
 */
public final class Ddm implements SequentialDetector {

    private final int minInstances;
    private final double warningLevel;
    private final double driftLevel;
    private long n;
    private double p;
    private double s;
    private double pMin;
    private double sMin;
    private double psMin;
    private boolean warning;
    private long warningSince;
    private long lag;

    public Ddm(int minInstances, double warningLevel, double driftLevel) {
        this.minInstances = minInstances;
        this.warningLevel = warningLevel;
        this.driftLevel = driftLevel;
        reset();
    }

    /** Gama et al.'s defaults: 30 instances, warning at 2, drift at 3 standard deviations. */
    public static Ddm defaults() {
        return new Ddm(30, 2, 3);
    }

    @Override
    public String name() {
        return "ddm";
    }

    @Override
    public boolean update(double error) {
        if (!Double.isFinite(error)) {
            return false;
        }
        n++;
        p += (error - p) / n;
        s = Math.sqrt(p * (1 - p) / n);
        warning = false;
        if (n < minInstances) {
            return false;
        }
        if (p + s <= psMin) {
            pMin = p;
            sMin = s;
            psMin = p + s;
        }
        if (p + s > pMin + driftLevel * sMin) {
            long since = warningSince > 0 ? n - warningSince + 1 : 1;
            reset();
            lag = since;
            return true;
        }
        if (p + s > pMin + warningLevel * sMin) {
            warning = true;
            if (warningSince == 0) {
                warningSince = n;
            }
        } else {
            warningSince = 0;
        }
        return false;
    }

    @Override
    public boolean warning() {
        return warning;
    }

    @Override
    public double statistic() {
        return sMin > 0 && Double.isFinite(sMin) ? (p + s - pMin) / sMin : Double.NaN;
    }

    @Override
    public double threshold() {
        return driftLevel;
    }

    @Override
    public long changeLag() {
        return lag;
    }

    @Override
    public void reset() {
        n = 0;
        p = 0;
        s = 0;
        pMin = Double.MAX_VALUE;
        sMin = Double.MAX_VALUE;
        psMin = Double.MAX_VALUE;
        warning = false;
        warningSince = 0;
    }

    @Override
    public double[] state() {
        return new double[] {n, p, s, pMin, sMin, psMin, warning ? 1 : 0, warningSince, lag};
    }

    @Override
    public void restore(double[] state) {
        States.require(state, 9);
        n = (long) state[0];
        p = state[1];
        s = state[2];
        pMin = state[3];
        sMin = state[4];
        psMin = state[5];
        warning = state[6] != 0;
        warningSince = (long) state[7];
        lag = (long) state[8];
    }
}
