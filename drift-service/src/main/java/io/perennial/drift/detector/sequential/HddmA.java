package io.perennial.drift.detector.sequential;

/**
 * HDDM with the A-test (Frías-Blanco et al. 2015, "Online and non-parametric drift detection methods based on
 * Hoeffding's bounds") for an increase of a mean of values in [0, 1]. It keeps the cut point where
 * \( \bar x_{cut} + \varepsilon_{cut} \) was smallest, with \( \varepsilon_n = \sqrt{\ln(1/\delta)/(2n)} \), and
 * signals a drift when \( \bar x_{all} - \bar x_{cut} \ge \sqrt{\frac{n - n_{cut}}{2\,n_{cut}\,n}\ln(2/\delta)} \).
 */
public final class HddmA implements SequentialDetector {

    private final double driftConfidence;
    private long n;
    private double total;
    private long nCut;
    private double totalCut;
    private double statistic = Double.NaN;
    private long lag;

    public HddmA(double driftConfidence) {
        this.driftConfidence = driftConfidence;
    }

    @Override
    public String name() {
        return "hddm-a";
    }

    @Override
    public boolean update(double x) {
        if (!Double.isFinite(x)) {
            return false;
        }
        n++;
        total += x;
        double eps = Math.sqrt(Math.log(1 / driftConfidence) / (2.0 * n));
        if (nCut == 0 || total / n + eps <= totalCut / nCut
                + Math.sqrt(Math.log(1 / driftConfidence) / (2.0 * nCut))) {
            nCut = n;
            totalCut = total;
        }
        if (nCut == n) {
            statistic = 0;
            return false;
        }
        double bound = Math.sqrt((n - nCut) / (2.0 * nCut * n) * Math.log(2 / driftConfidence));
        statistic = (total / n - totalCut / nCut) / bound;
        if (statistic >= 1) {
            long since = n - nCut;
            reset();
            lag = since;
            return true;
        }
        return false;
    }

    @Override
    public double statistic() {
        return statistic;
    }

    @Override
    public double threshold() {
        return 1;
    }

    @Override
    public long changeLag() {
        return lag;
    }

    @Override
    public void reset() {
        n = 0;
        total = 0;
        nCut = 0;
        totalCut = 0;
        statistic = Double.NaN;
    }

    @Override
    public double[] state() {
        return new double[] {n, total, nCut, totalCut, statistic, lag};
    }

    @Override
    public void restore(double[] state) {
        States.require(state, 6);
        n = (long) state[0];
        total = state[1];
        nCut = (long) state[2];
        totalCut = state[3];
        statistic = state[4];
        lag = (long) state[5];
    }
}
