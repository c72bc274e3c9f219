package io.perennial.drift.detector.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DistributionsTest {

    @Test
    void kolmogorovSurvivalMatchesTabulatedCriticalValues() {
        // scipy.stats.kstwobign.sf and the classical 10%, 5%, 1% critical values 1.2238, 1.3581, 1.6276
        assertThat(Distributions.kolmogorovSurvival(1.0)).isCloseTo(0.26999967167735456, within(1e-9));
        assertThat(Distributions.kolmogorovSurvival(1.2238)).isCloseTo(0.10, within(2e-4));
        assertThat(Distributions.kolmogorovSurvival(1.3581)).isCloseTo(0.05, within(2e-4));
        assertThat(Distributions.kolmogorovSurvival(1.6276)).isCloseTo(0.01, within(2e-4));
        assertThat(Distributions.kolmogorovSurvival(0.5)).isCloseTo(0.9639452436648751, within(1e-9));
        assertThat(Distributions.kolmogorovSurvival(0)).isEqualTo(1.0);
        assertThat(Distributions.kolmogorovSurvival(Double.NaN)).isNaN();
    }

    @Test
    void bothSeriesOfTheKolmogorovDistributionAgreeWhereTheyMeet() {
        double below = Distributions.kolmogorovSurvival(Math.nextDown(1.0));
        double above = Distributions.kolmogorovSurvival(1.0);
        assertThat(below).isCloseTo(above, within(1e-12));
    }

    @Test
    void chiSquareSurvivalMatchesTabulatedQuantiles() {
        assertThat(Distributions.chiSquareSurvival(3.841458820694124, 1)).isCloseTo(0.05, within(1e-9));
        assertThat(Distributions.chiSquareSurvival(5.991464547107979, 2)).isCloseTo(0.05, within(1e-9));
        assertThat(Distributions.chiSquareSurvival(18.307038053275146, 10)).isCloseTo(0.05, within(1e-9));
        assertThat(Distributions.chiSquareSurvival(2, 2)).isCloseTo(Math.exp(-1), within(1e-12));
        assertThat(Distributions.chiSquareSurvival(0, 3)).isEqualTo(1.0);
    }

    @Test
    void regularizedBetaMatchesItsClosedFormsAndSymmetry() {
        for (double x : new double[] {1e-6, 0.01, 0.3, 0.5, 0.77, 0.999}) {
            for (double b : new double[] {0.5, 1, 3.5, 40, 333.5}) {
                assertThat(Distributions.regularizedBeta(x, 1, b)).isCloseTo(1 - Math.pow(1 - x, b), within(1e-12));
                assertThat(Distributions.regularizedBeta(x, b, 1)).isCloseTo(Math.pow(x, b), within(1e-12));
                assertThat(Distributions.regularizedBeta(x, 16, b))
                        .isCloseTo(1 - Distributions.regularizedBeta(1 - x, b, 16), within(1e-12));
            }
        }
        assertThat(Distributions.regularizedBeta(0, 2, 3)).isZero();
        assertThat(Distributions.regularizedBeta(1, 2, 3)).isEqualTo(1.0);
    }

    @Test
    void fSurvivalMatchesTabulatedQuantilesAndItsLimits() {
        // scipy.stats.f.isf
        assertThat(Distributions.fSurvival(4.964602743730711, 1, 10)).isCloseTo(0.05, within(1e-9));
        assertThat(Distributions.fSurvival(2.710889837980471, 5, 20)).isCloseTo(0.05, within(1e-9));
        // d1 = 2 has a closed form: (1 + 2f/d2)^(-d2/2)
        for (double f : new double[] {0.1, 1, 3.3, 12}) {
            assertThat(Distributions.fSurvival(f, 2, 667)).isCloseTo(Math.pow(1 + 2 * f / 667, -667 / 2.0),
                    within(1e-12));
        }
        // d2 -> infinity: d1 * F is chi-square with d1 degrees of freedom, far into the tail too
        for (double x : new double[] {20, 45, 66, 80}) {
            assertThat(Distributions.fSurvival(x / 32, 32, 1e9) / Distributions.chiSquareSurvival(x, 32))
                    .isCloseTo(1.0, within(1e-4));
        }
        assertThat(Distributions.fSurvival(0, 3, 4)).isEqualTo(1.0);
    }

    @Test
    void normalSurvivalAtKnownQuantiles() {
        assertThat(Distributions.normalSurvival(1.959963984540054)).isCloseTo(0.025, within(1e-7));
        assertThat(Distributions.normalSurvival(0)).isCloseTo(0.5, within(1e-7));
    }

    @Test
    void logGammaOfIntegersIsLogFactorial() {
        assertThat(Distributions.logGamma(10)).isCloseTo(Math.log(362880), within(1e-10));
        assertThat(Distributions.logGamma(0.5)).isCloseTo(0.5 * Math.log(Math.PI), within(1e-10));
    }
}
