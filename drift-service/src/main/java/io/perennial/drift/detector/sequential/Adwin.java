package io.perennial.drift.detector.sequential;

/**
 * ADWIN (Bifet and Gavaldà 2007, "Learning from time-changing data with adaptive windowing"): keeps a window of
 * recent values compressed in an exponential histogram (at most {@code M} buckets of each size \( 2^i \)) and drops
 * its oldest part whenever two sub-windows \( W_0 W_1 \) have means that differ by more than
 * \( \varepsilon = \sqrt{2 m \sigma^2_W \ln(2\ln n/\delta)} + \tfrac{2}{3} m \ln(2\ln n/\delta) \),
 * \( m = 1/(n_0 - 5 + 1) + 1/(n_1 - 5 + 1) \). Checks run every {@code clock} values, as in MOA's {@code ADWIN}, whose
 * bucket arithmetic this follows; the buckets live in flat arrays (no allocation per value).
 */
public final class Adwin implements SequentialDetector {

    private static final int MAX_ROWS = 64;
    private static final int MIN_SUBWINDOW = 5;
    private static final int MIN_WIDTH = 10;

    private final double delta;
    private final int maxBuckets;
    private final int clock;
    private final double[] totals;
    private final double[] variances;
    private final int[] rowSize;
    private int rows;
    private long width;
    private double total;
    private double variance;
    private long time;
    private long lag;
    private double lastStatistic = Double.NaN;
    private double lastThreshold = Double.NaN;

    public Adwin(double delta, int maxBuckets, int clock) {
        this.delta = delta;
        this.maxBuckets = maxBuckets;
        this.clock = clock;
        this.totals = new double[MAX_ROWS * (maxBuckets + 1)];
        this.variances = new double[MAX_ROWS * (maxBuckets + 1)];
        this.rowSize = new int[MAX_ROWS];
        reset();
    }

    /** MOA's defaults: delta 0.002, 5 buckets per size, a check every 32 values. */
    public static Adwin withDelta(double delta) {
        return new Adwin(delta, 5, 32);
    }

    @Override
    public String name() {
        return "adwin";
    }

    /** Values currently in the window. */
    public long width() {
        return width;
    }

    /** Mean of the window. */
    public double mean() {
        return width == 0 ? Double.NaN : total / width;
    }

    @Override
    public boolean update(double value) {
        if (!Double.isFinite(value)) {
            return false;
        }
        width++;
        insertBucket(0, value, 0);
        if (width > 1) {
            double d = value - total / (width - 1);
            variance += (width - 1) * d * d / width;
        }
        total += value;
        compress();
        time++;
        if (time % clock == 0 && width > MIN_WIDTH) {
            long before = width;
            if (detect()) {
                lag = width;
                return before != width;
            }
        }
        return false;
    }

    private void insertBucket(int row, double value, double var) {
        if (row >= rows) {
            rows = row + 1;
        }
        int at = row * (maxBuckets + 1) + rowSize[row];
        totals[at] = value;
        variances[at] = var;
        rowSize[row]++;
    }

    private void compress() {
        for (int row = 0; row < MAX_ROWS - 1 && rowSize[row] > maxBuckets; row++) {
            int base = row * (maxBuckets + 1);
            double n1 = (double) (1L << row);
            double u1 = totals[base] / n1;
            double u2 = totals[base + 1] / n1;
            double inc = n1 * n1 * (u1 - u2) * (u1 - u2) / (n1 + n1);
            insertBucket(row + 1, totals[base] + totals[base + 1], variances[base] + variances[base + 1] + inc);
            removeOldest(row, 2);
        }
    }

    private void removeOldest(int row, int k) {
        int base = row * (maxBuckets + 1);
        int size = rowSize[row];
        System.arraycopy(totals, base + k, totals, base, size - k);
        System.arraycopy(variances, base + k, variances, base, size - k);
        rowSize[row] = size - k;
        while (rows > 0 && rowSize[rows - 1] == 0) {
            rows--;
        }
    }

    private void deleteOldestBucket() {
        int row = rows - 1;
        int base = row * (maxBuckets + 1);
        double n1 = (double) (1L << row);
        width -= (long) n1;
        total -= totals[base];
        double u1 = totals[base] / n1;
        double inc = variances[base] + n1 * width * (u1 - total / width) * (u1 - total / width) / (n1 + width);
        variance -= inc;
        if (width == 0 || variance < 0) {
            variance = Math.max(variance, 0);
        }
        removeOldest(row, 1);
    }

    private boolean detect() {
        boolean changed = false;
        boolean reduce = true;
        while (reduce) {
            reduce = false;
            long n0 = 0;
            long n1 = width;
            double u0 = 0;
            double u1 = total;
            double dd = Math.log(2 * Math.log(width) / delta);
            double v = variance / width;
            outer:
            for (int row = rows - 1; row >= 0; row--) {
                int base = row * (maxBuckets + 1);
                long size = 1L << row;
                for (int k = 0; k < rowSize[row]; k++) {
                    n0 += size;
                    n1 -= size;
                    u0 += totals[base + k];
                    u1 -= totals[base + k];
                    if (n1 <= 0) {
                        break outer;
                    }
                    if (n1 > MIN_SUBWINDOW + 1 && n0 > MIN_SUBWINDOW + 1) {
                        double m = 1.0 / (n0 - MIN_SUBWINDOW + 1) + 1.0 / (n1 - MIN_SUBWINDOW + 1);
                        double eps = Math.sqrt(2 * m * v * dd) + 2.0 / 3 * dd * m;
                        double diff = Math.abs(u0 / n0 - u1 / n1);
                        lastStatistic = diff;
                        lastThreshold = eps;
                        if (diff > eps) {
                            reduce = true;
                            changed = true;
                            if (width > 0) {
                                deleteOldestBucket();
                            }
                            break outer;
                        }
                    }
                }
            }
        }
        return changed;
    }

    @Override
    public double statistic() {
        return lastStatistic;
    }

    @Override
    public double threshold() {
        return lastThreshold;
    }

    @Override
    public long changeLag() {
        return lag;
    }

    @Override
    public void reset() {
        java.util.Arrays.fill(rowSize, 0);
        rows = 0;
        width = 0;
        total = 0;
        variance = 0;
        time = 0;
        lastStatistic = Double.NaN;
        lastThreshold = Double.NaN;
    }

    /** The scalars, then per row its bucket count followed by its buckets' totals and variances. */
    @Override
    public double[] state() {
        int buckets = 0;
        for (int row = 0; row < rows; row++) {
            buckets += rowSize[row];
        }
        double[] s = new double[7 + rows + 2 * buckets];
        s[0] = width;
        s[1] = total;
        s[2] = variance;
        s[3] = time;
        s[4] = lag;
        s[5] = lastStatistic;
        s[6] = lastThreshold;
        int k = 7;
        for (int row = 0; row < rows; row++) {
            int base = row * (maxBuckets + 1);
            s[k++] = rowSize[row];
            for (int b = 0; b < rowSize[row]; b++) {
                s[k++] = totals[base + b];
                s[k++] = variances[base + b];
            }
        }
        return s;
    }

    @Override
    public void restore(double[] s) {
        States.require(s, 7);
        reset();
        width = (long) s[0];
        total = s[1];
        variance = s[2];
        time = (long) s[3];
        lag = (long) s[4];
        lastStatistic = s[5];
        lastThreshold = s[6];
        int k = 7;
        for (int row = 0; k < s.length; row++) {
            int size = (int) s[k++];
            if (row >= MAX_ROWS || size > maxBuckets || k + 2 * size > s.length) {
                throw new IllegalArgumentException("not an ADWIN state with " + maxBuckets + " buckets per row");
            }
            int base = row * (maxBuckets + 1);
            for (int b = 0; b < size; b++) {
                totals[base + b] = s[k++];
                variances[base + b] = s[k++];
            }
            rowSize[row] = size;
            rows = row + 1;
        }
    }
}
