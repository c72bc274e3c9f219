package io.perennial.drift.detector.sequential;

/**
 * The Page-Hinkley test for an increase of the mean (Page 1954; Mouss et al. 2004):
 * \( m_t = \sum_{i\le t} (x_i - \bar x_i - \delta) \), \( M_t = \min_{i\le t} m_i \), alarm when
 * \( m_t - M_t > \lambda \). {@code delta} is the magnitude of change tolerated, {@code lambda} the threshold that sets
 * the expected run length between false alarms (calibrate it with {@link ArlCalibration}).
 */
public final class PageHinkley implements SequentialDetector {

    private final double delta;
    private final double lambda;
    private final int minInstances;
    private long n;
    private double mean;
    private double sum;
    private double min;
    private long argMin;
    private long lag;

    public PageHinkley(double delta, double lambda, int minInstances) {
        this.delta = delta;
        this.lambda = lambda;
        this.minInstances = minInstances;
        reset();
    }

    /** MOA's defaults: delta 0.005, lambda 50, 30 instances before testing. */
    public static PageHinkley defaults() {
        return new PageHinkley(0.005, 50, 30);
    }

    @Override
    public String name() {
        return "page-hinkley";
    }

    @Override
    public boolean update(double x) {
        if (!Double.isFinite(x)) {
            return false;
        }
        n++;
        mean += (x - mean) / n;
        sum += x - mean - delta;
        if (sum <= min) {
            min = sum;
            argMin = n;
        }
        if (n >= minInstances && sum - min > lambda) {
            long changeLag = n - argMin;
            reset();
            lag = changeLag;
            return true;
        }
        return false;
    }

    @Override
    public double statistic() {
        return n == 0 ? Double.NaN : sum - min;
    }

    @Override
    public double threshold() {
        return lambda;
    }

    @Override
    public long changeLag() {
        return lag;
    }

    @Override
    public void reset() {
        n = 0;
        mean = 0;
        sum = 0;
        min = 0;
        argMin = 0;
    }

    @Override
    public double[] state() {
        return new double[] {n, mean, sum, min, argMin, lag};
    }

    @Override
    public void restore(double[] state) {
        States.require(state, 6);
        n = (long) state[0];
        mean = state[1];
        sum = state[2];
        min = state[3];
        argMin = (long) state[4];
        lag = (long) state[5];
    }

    double delta() {
        return delta;
    }
}
