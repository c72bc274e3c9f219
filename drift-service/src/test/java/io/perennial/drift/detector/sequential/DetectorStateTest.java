package io.perennial.drift.detector.sequential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** A detector restored from {@code state()} continues exactly as the original on the same values. */
class DetectorStateTest {

    private static final List<Supplier<SequentialDetector>> DETECTORS = List.of(
            () -> Adwin.withDelta(0.002),
            Ddm::defaults,
            () -> new PageHinkley(0.01, 8, 30),
            () -> new HddmA(0.001),
            () -> new CalibratedPageHinkley(300, 5_000, 0.01, 7),
            () -> new Cooldown(Adwin.withDelta(0.002), 500),
            () -> new Cooldown(new CalibratedPageHinkley(300, 5_000, 0.01, 7), 200));

    /** Error bits: 0.1 until 3000, 0.4 until 6000, then 0.1 again. */
    private static final double[] ERRORS = errors();

    private static double[] errors() {
        double[] a = SequentialDetectorsTest.bernoulli(11, 3000, 0.1, 3000, 0.1);
        double[] b = SequentialDetectorsTest.bernoulli(12, 3000, 0.4, 3000, 0.4);
        double[] c = SequentialDetectorsTest.bernoulli(13, 3000, 0.1, 3000, 0.1);
        double[] all = new double[9000];
        System.arraycopy(a, 0, all, 0, 3000);
        System.arraycopy(b, 0, all, 3000, 3000);
        System.arraycopy(c, 0, all, 6000, 3000);
        return all;
    }

    @Test
    void aRestoredDetectorRaisesTheSameAlarmsWithTheSameStatisticsAsTheOriginal() {
        // split points: warm-up, just before and after the change, during the cooldown, late
        for (int split : new int[] {0, 17, 150, 2999, 3040, 3300, 6100, 8000}) {
            for (Supplier<SequentialDetector> factory : DETECTORS) {
                SequentialDetector original = factory.get();
                for (int i = 0; i < split; i++) {
                    original.update(ERRORS[i]);
                }
                SequentialDetector restored = factory.get();
                restored.restore(original.state().clone());
                String what = original.name() + " split at " + split;
                assertThat(restored.state()).as(what).containsExactly(original.state());
                int alarms = 0;
                for (int i = split; i < ERRORS.length; i++) {
                    boolean a = original.update(ERRORS[i]);
                    assertThat(restored.update(ERRORS[i])).as(what + " value " + i).isEqualTo(a);
                    assertThat(Double.valueOf(restored.statistic())).as(what).isEqualTo(Double.valueOf(original.statistic()));
                    assertThat(Double.valueOf(restored.threshold())).as(what).isEqualTo(Double.valueOf(original.threshold()));
                    assertThat(restored.changeLag()).as(what).isEqualTo(original.changeLag());
                    alarms += a ? 1 : 0;
                }
                if (split < 3000) {
                    assertThat(alarms).as(what + ": the jump at 3000 is detected after the restore")
                            .isPositive();
                }
                assertThat(restored.state()).as(what).containsExactly(original.state());
            }
        }
    }

    @Test
    void aFreshDetectorDiffersFromARestoredOneSoTheRoundTripIsNotVacuous() {
        SequentialDetector original = Adwin.withDelta(0.002);
        for (int i = 0; i < 3100; i++) {
            original.update(ERRORS[i]);
        }
        SequentialDetector fresh = Adwin.withDelta(0.002);
        assertThat(fresh.state()).isNotEqualTo(original.state());
        int originalFirst = SequentialDetectorsTest.firstAlarm(original, slice(3100), 0);
        int freshFirst = SequentialDetectorsTest.firstAlarm(fresh, slice(3100), 0);
        // the fresh one takes the new regime for its baseline and misses the jump that the original catches
        assertThat(originalFirst).isBetween(0, 500);
        assertThat(freshFirst < 0 || freshFirst > 500).as("fresh first alarm " + freshFirst).isTrue();
    }

    @Test
    void aStateOfAnotherShapeIsRefused() {
        assertThatThrownBy(() -> Ddm.defaults().restore(new double[] {1, 2})).isInstanceOf(
                IllegalArgumentException.class);
        assertThatThrownBy(() -> new Adwin(0.002, 5, 32).restore(new double[] {1, 0, 0, 0, 0, 0, 0, 9, 1, 1}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static double[] slice(int from) {
        return java.util.Arrays.copyOfRange(ERRORS, from, 6000);
    }
}
