package io.perennial.drift.detector.sequential;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class SequentialDetectorsTest {

    /** Index (0-based) of the first alarm at or after {@code from}, or -1. */
    static int firstAlarm(SequentialDetector detector, double[] xs, int from) {
        for (int i = 0; i < xs.length; i++) {
            if (detector.update(xs[i]) && i >= from) {
                return i;
            }
        }
        return -1;
    }

    static double[] bernoulli(long seed, int n, double p0, int change, double p1) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] xs = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = random.nextDouble() < (i < change ? p0 : p1) ? 1 : 0;
        }
        return xs;
    }

    static int alarms(SequentialDetector detector, double[] xs) {
        int k = 0;
        for (double x : xs) {
            if (detector.update(x)) {
                k++;
            }
        }
        return k;
    }

    @Test
    void pageHinkleyAlarmsOnTheHandComputedStep() {
        PageHinkley ph = new PageHinkley(0, 5, 1);
        double[] xs = {0, 0, 0, 0, 0, 10};
        // at the sixth value the mean is 10/6 and the cumulative sum 10 - 10/6 = 8.33 > 5
        assertThat(firstAlarm(ph, xs, 0)).isEqualTo(5);
        assertThat(ph.changeLag()).isEqualTo(1);
        PageHinkley below = new PageHinkley(0, 9, 1);
        assertThat(firstAlarm(below, xs, 0)).isEqualTo(-1);
        assertThat(below.statistic()).isCloseTo(10 - 10.0 / 6, org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void ddmAlarmsAtTheFirstErrorAfterAPerfectStart() {
        // with p = 0 and s = 0 for 40 values, p_min + 3 s_min = 0 and the first error exceeds it
        double[] xs = new double[60];
        xs[40] = 1;
        assertThat(firstAlarm(Ddm.defaults(), xs, 0)).isEqualTo(40);
        // before the 30th value DDM never tests
        double[] early = new double[60];
        early[10] = 1;
        Ddm ddm = Ddm.defaults();
        assertThat(firstAlarm(ddm, java.util.Arrays.copyOf(early, 29), 0)).isEqualTo(-1);
    }

    @Test
    void everyDetectorFindsAnErrorRateJumpQuickly() {
        List<Supplier<SequentialDetector>> detectors = List.of(() -> Adwin.withDelta(0.002), Ddm::defaults,
                () -> new PageHinkley(0.05, 30, 30), () -> new HddmA(0.001));
        for (Supplier<SequentialDetector> make : detectors) {
            for (long seed = 0; seed < 5; seed++) {
                SequentialDetector d = make.get();
                double[] xs = bernoulli(seed, 6000, 0.1, 3000, 0.5);
                int first = -1;
                for (int i = 0; i < xs.length; i++) {
                    if (d.update(xs[i]) && i >= 3000) {
                        first = i;
                        break;
                    }
                }
                assertThat(first).as(d.name() + " seed " + seed).isBetween(3000, d instanceof Ddm ? 3800 : 3400);
            }
        }
    }

    @Test
    void adwinAndHddmStayQuietOnAStationaryStream() {
        double[] xs = bernoulli(42, 100_000, 0.2, Integer.MAX_VALUE, 0.2);
        assertThat(alarms(Adwin.withDelta(0.002), xs)).isLessThanOrEqualTo(1);
        assertThat(alarms(new HddmA(0.0001), xs)).isLessThanOrEqualTo(1);
    }

    @Test
    void adwinShrinksItsWindowToTheNewRegime() {
        Adwin adwin = Adwin.withDelta(0.002);
        double[] xs = bernoulli(7, 4000, 0.1, 2000, 0.9);
        for (double x : xs) {
            adwin.update(x);
        }
        assertThat(adwin.width()).isLessThan(2100);
        assertThat(adwin.mean()).isBetween(0.85, 0.95);
    }

    @Test
    void aCooldownTurnsAdwinsRepeatedSignalsForOneChangeIntoOneAlarm() {
        double[] xs = bernoulli(11, 20_000, 0.1, 10_000, 0.5);
        assertThat(alarms(Adwin.withDelta(0.002), xs)).isGreaterThan(1);
        assertThat(alarms(new Cooldown(Adwin.withDelta(0.002), 2000), xs)).isEqualTo(1);
    }

    @Test
    void selfCalibratedPageHinkleyIsQuietAtItsOwnErrorRateAndCatchesAJump() {
        for (double p0 : new double[] {0.05, 0.3}) {
            CalibratedPageHinkley ph = new CalibratedPageHinkley(1000, 20_000, 0.01, 1);
            assertThat(alarms(ph, bernoulli(21, 20_000, p0, Integer.MAX_VALUE, p0))).as("p0 " + p0)
                    .isLessThanOrEqualTo(2);
            assertThat(ph.threshold()).isPositive();
            CalibratedPageHinkley jump = new CalibratedPageHinkley(1000, 20_000, 0.01, 1);
            double[] xs = bernoulli(22, 6000, p0, 3000, Math.min(1, 2.5 * p0));
            assertThat(firstAlarm(jump, xs, 3000)).as("p0 " + p0).isBetween(3000, 3600);
        }
    }

    @Test
    void nonFiniteValuesAreIgnored() {
        for (SequentialDetector d : List.of(Adwin.withDelta(0.002), Ddm.defaults(), PageHinkley.defaults(),
                new HddmA(0.001))) {
            assertThat(d.update(Double.NaN)).isFalse();
            assertThat(d.update(Double.POSITIVE_INFINITY)).isFalse();
        }
    }

    @Test
    void calibratedPageHinkleyReachesTheTargetRunLengthAndASmallerThresholdDoesNot() {
        SplittableRandom random = new SplittableRandom(9);
        double target = 5000;
        double lambda = ArlCalibration.calibrate(l -> new PageHinkley(0.05, l, 30),
                () -> random.nextDouble() < 0.1 ? 1 : 0, target, 1, 100, 40);
        double arl = ArlCalibration.averageRunLength(new PageHinkley(0.05, lambda, 30),
                () -> random.nextDouble() < 0.1 ? 1 : 0, 200, 20_000);
        double arlHalf = ArlCalibration.averageRunLength(new PageHinkley(0.05, lambda / 2, 30),
                () -> random.nextDouble() < 0.1 ? 1 : 0, 200, 20_000);
        assertThat(arl).isGreaterThan(0.6 * target);
        assertThat(arlHalf).isLessThan(arl / 2);
    }
}
