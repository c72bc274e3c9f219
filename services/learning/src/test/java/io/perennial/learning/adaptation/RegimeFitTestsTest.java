package io.perennial.learning.adaptation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.perennial.learning.routing.AdapterRouter;
import io.perennial.learning.routing.FeatureDescriptor;
import io.perennial.learning.routing.RouterConfig;

/**
 * Calibration and power of the fit tests on synthetic class-conditional Gaussian features: windows of the regime
 * itself must be accepted at the nominal rate (also under a pure prior shift), rotated or noisier windows rejected, and
 * a class whose inputs moved onto another class caught by the class-conditional test only.
 */
class RegimeFitTestsTest {

    private static final int D = 12;
    private static final int C = 4;
    private static final int WINDOWS = 300;
    private static final int WINDOW_ROWS = 150;
    private static final double ALPHA = 0.05;

    /** A class-conditional Gaussian regime with anisotropic within-class spread. */
    private static final class Regime {
        final double[][] means = new double[C][D];
        final double[] sd = new double[D];

        Regime(long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            for (int c = 0; c < C; c++) {
                for (int j = 0; j < D; j++) {
                    means[c][j] = 3 * r.nextGaussian();
                }
            }
            for (int j = 0; j < D; j++) {
                sd[j] = 0.5 + r.nextDouble() * 1.5;
            }
        }

        void draw(SplittableRandom r, double[] priors, float[] x, int[] y, int n) {
            for (int i = 0; i < n; i++) {
                double u = r.nextDouble();
                int c = 0;
                while (c < C - 1 && u > priors[c]) {
                    u -= priors[c];
                    c++;
                }
                y[i] = c;
                for (int j = 0; j < D; j++) {
                    x[i * D + j] = (float) (means[c][j] + sd[j] * r.nextGaussian());
                }
            }
        }
    }

    private interface Shift {
        void apply(float[] x, int[] y, SplittableRandom r, Regime g);
    }

    private static final double[] UNIFORM = {0.25, 0.25, 0.25, 0.25};

    private static FeatureDescriptor fitted(Regime g) {
        float[] x = new float[1200 * D];
        int[] y = new int[1200];
        g.draw(new SplittableRandom(1), UNIFORM, x, y, 1200);
        try (AdapterRouter router = new AdapterRouter(D, new RouterConfig(0, Double.NaN, 0.99, 1.0, true))) {
            return router.addRegime("r", x, y, C);
        }
    }

    /** Returns {fit rejection rate, class-conditional rejection rate}. */
    private static double[] rejectionRates(FeatureDescriptor d, Regime g, double[] priors, Shift shift) {
        SplittableRandom r = new SplittableRandom(99);
        int fitRejected = 0;
        int classRejected = 0;
        float[] x = new float[WINDOW_ROWS * D];
        int[] y = new int[WINDOW_ROWS];
        double[] f = new double[D];
        for (int w = 0; w < WINDOWS; w++) {
            g.draw(r, priors, x, y, WINDOW_ROWS);
            shift.apply(x, y, r, g);
            double[] nearest = new double[WINDOW_ROWS];
            for (int i = 0; i < WINDOW_ROWS; i++) {
                for (int j = 0; j < D; j++) {
                    f[j] = x[i * D + j];
                }
                nearest[i] = d.distance(f);
            }
            double[] labelPriors = ClassPriors.normalise(ClassPriors.labelCounts(y, null, C));
            if (RegimeFitTests.fitPValue(d, nearest, labelPriors, C) < ALPHA) {
                fitRejected++;
            }
            if (RegimeFitTests.classConditionalPValue(d, x, y, null, C) < ALPHA) {
                classRejected++;
            }
        }
        return new double[] {(double) fitRejected / WINDOWS, (double) classRejected / WINDOWS};
    }

    @Test
    void sameRegimeWindowsMatchAtTheNominalRateAndShiftedOnesDoNot() {
        Regime g = new Regime(7);
        FeatureDescriptor d = fitted(g);
        assertThat(d.reference()).isNotNull();
        assertThat(d.classCounts()).hasSize(C);

        double[] same = rejectionRates(d, g, UNIFORM, (x, y, r, gg) -> { });
        double[] priorShift = rejectionRates(d, g, new double[] {0.55, 0.25, 0.15, 0.05}, (x, y, r, gg) -> { });
        double[] rotated = rejectionRates(d, g, UNIFORM, (x, y, r, gg) -> rotate(x, Math.toRadians(30)));
        double[] noisy = rejectionRates(d, g, UNIFORM, (x, y, r, gg) -> {
            for (int i = 0; i < x.length; i++) {
                x[i] += (float) (0.7 * gg.sd[i % D] * r.nextGaussian());
            }
        });
        // class 0's inputs now look like class 1's: the overall cloud still fits, class 0 given its label does not
        double[] classMoved = rejectionRates(d, g, UNIFORM, (x, y, r, gg) -> {
            for (int i = 0; i < y.length; i++) {
                if (y[i] == 0) {
                    for (int j = 0; j < D; j++) {
                        x[i * D + j] = (float) (gg.means[1][j] + gg.sd[j] * r.nextGaussian());
                    }
                }
            }
        });
        System.out.printf("rejection rates at alpha %.2f over %d windows of %d rows [fit, class-conditional]: same %s, prior shift %s,"
                + " rotated 30deg %s, noise 0.7sd %s, class moved %s%n", ALPHA, WINDOWS, WINDOW_ROWS, fmt(same), fmt(priorShift), fmt(rotated),
                fmt(noisy), fmt(classMoved));
        // nominal rate: at most alpha plus three binomial standard errors (0.05 + 3 * 0.0126)
        double bound = ALPHA + 3 * Math.sqrt(ALPHA * (1 - ALPHA) / WINDOWS);
        assertThat(same[0]).isLessThanOrEqualTo(bound);
        assertThat(same[1]).isLessThanOrEqualTo(bound);
        assertThat(priorShift[0]).isLessThanOrEqualTo(bound);
        assertThat(priorShift[1]).isLessThanOrEqualTo(bound);
        assertThat(rotated[0]).isGreaterThanOrEqualTo(0.95);
        assertThat(rotated[1]).isGreaterThanOrEqualTo(0.95);
        assertThat(noisy[0]).isGreaterThanOrEqualTo(0.95);
        assertThat(noisy[1]).isGreaterThanOrEqualTo(0.95);
        assertThat(classMoved[0]).isLessThanOrEqualTo(bound);
        assertThat(classMoved[1]).isGreaterThanOrEqualTo(0.95);
    }

    private static void rotate(float[] x, double angle) {
        double c = Math.cos(angle);
        double s = Math.sin(angle);
        for (int i = 0; i < x.length / D; i++) {
            for (int j = 0; j + 1 < D; j += 2) {
                double a = x[i * D + j];
                double b = x[i * D + j + 1];
                x[i * D + j] = (float) (c * a - s * b);
                x[i * D + j + 1] = (float) (s * a + c * b);
            }
        }
    }

    private static String fmt(double[] v) {
        return String.format(java.util.Locale.ROOT, "[%.3f, %.3f]", v[0], v[1]);
    }
}
