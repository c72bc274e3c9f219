package io.perennial.drift.detector.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.perennial.drift.detector.window.MultipleTesting;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WindowMonitorTest {

    static MonitorSettings settings(boolean rebaseline) {
        return new MonitorSettings(5, 500, 500, 100, 0.001, MultipleTesting.BENJAMINI_HOCHBERG,
                Set.of("ks", "mmd", "chi2"), 100, rebaseline, 500, 0.2, 3, 16, 1);
    }

    static float[] sample(SplittableRandom random, double shift) {
        float[] x = new float[5];
        for (int j = 0; j < 5; j++) {
            double u1 = 1 - random.nextDouble();
            x[j] = (float) (Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * random.nextDouble())
                    + (j == 2 ? shift : 0));
        }
        return x;
    }

    /** Feeds a stream round-robin over 2 partitions, returns the alarms. */
    static List<WindowMonitor.Evaluation> run(WindowMonitor monitor, int n, int... shifts) {
        SplittableRandom random = new SplittableRandom(17);
        List<WindowMonitor.Evaluation> alarms = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double shift = 0;
            for (int s : shifts) {
                if (i >= s) {
                    shift += 3;
                }
            }
            WindowMonitor.Evaluation e = monitor.add(sample(random, shift), random.nextInt(3), i % 2, i / 2);
            if (e != null && e.alarm()) {
                alarms.add(e);
            }
        }
        return alarms;
    }

    @Test
    void nothingIsTestedWhileTheReferenceFills() {
        WindowMonitor monitor = new WindowMonitor(settings(true));
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 499; i++) {
            assertThat(monitor.add(sample(random, 10), 0, 0, i)).isNull();
        }
        assertThat(monitor.phase()).isEqualTo(WindowMonitor.Phase.REFERENCE);
    }

    @Test
    void oneShiftGivesOneAlarmWithStartOffsetsAtOrAfterTheShift() {
        WindowMonitor monitor = new WindowMonitor(settings(true));
        List<WindowMonitor.Evaluation> alarms = run(monitor, 6000, 2000);
        assertThat(alarms).hasSize(1);
        WindowMonitor.Evaluation alarm = alarms.get(0);
        // sample 2000 is partition 0 offset 1000, sample 2001 partition 1 offset 1000
        assertThat(alarm.startOffsets()).containsOnlyKeys(0, 1);
        assertThat(alarm.startOffsets().get(0)).isBetween(1000L, 1010L);
        assertThat(alarm.startOffsets().get(1)).isBetween(1000L, 1010L);
        assertThat(alarm.sequence()).isLessThanOrEqualTo(2100);
    }

    @Test
    void permutationCalibratedLevelsNeverExceedTheNominalShareAndShiftsAreStillCaught() {
        MonitorSettings base = settings(true);
        MonitorSettings calibrated = new MonitorSettings(5, 500, 500, 100, 0.001,
                MultipleTesting.BENJAMINI_HOCHBERG, Set.of("ks", "mmd", "chi2"), 100, true, 500, 0.2, 3, 16, 1, 60);
        WindowMonitor monitor = new WindowMonitor(calibrated);
        List<WindowMonitor.Evaluation> alarms = run(monitor, 6000, 2000);
        assertThat(monitor.levels()).containsOnlyKeys("ks", "mmd");
        // three tests share alpha 0.001 (chi2 on labels is the third)
        assertThat(monitor.levels().values()).allSatisfy(l -> assertThat(l).isPositive()
                .isLessThanOrEqualTo(base.alpha() / 3 + 1e-15));
        assertThat(alarms).hasSize(1);
        assertThat(alarms.get(0).startOffsets().get(0)).isBetween(1000L, 1010L);
    }

    @Test
    void rebaseliningCatchesASecondShift() {
        WindowMonitor monitor = new WindowMonitor(settings(true));
        List<WindowMonitor.Evaluation> alarms = run(monitor, 9000, 2000, 5000);
        assertThat(alarms).hasSize(2);
        assertThat(alarms.get(1).startOffsets().get(0)).isBetween(2500L, 2510L);
    }

    @Test
    void withoutRebaseliningTheAlarmHoldsUntilTheStreamReturns() {
        WindowMonitor monitor = new WindowMonitor(settings(false));
        SplittableRandom random = new SplittableRandom(3);
        int alarms = 0;
        int resolved = 0;
        for (int i = 0; i < 8000; i++) {
            double shift = i >= 2000 && i < 5000 ? 3 : 0;
            WindowMonitor.Evaluation e = monitor.add(sample(random, shift), 0, 0, i);
            if (e != null) {
                alarms += e.alarm() ? 1 : 0;
                resolved += e.resolved() ? 1 : 0;
            }
        }
        assertThat(alarms).isEqualTo(1);
        assertThat(resolved).isEqualTo(1);
        assertThat(monitor.phase()).isEqualTo(WindowMonitor.Phase.MONITORING);
    }

    @Test
    void anUnlabelledStreamGetsOnlyTheUnsupervisedTests() {
        WindowMonitor monitor = new WindowMonitor(settings(true));
        SplittableRandom random = new SplittableRandom(4);
        WindowMonitor.Evaluation first = null;
        for (int i = 0; i < 700 && first == null; i++) {
            first = monitor.add(sample(random, 0), -1, 0, i);
        }
        assertThat(monitor.labelTestActive()).isFalse();
        assertThat(first).isNotNull();
        assertThat(first.results()).extracting(r -> r.detector()).containsExactlyInAnyOrder("ks-bh", "mmd");
    }

    @Test
    void aLabelPriorShiftIsCaughtByTheChiSquareTestOnLabels() {
        WindowMonitor monitor = new WindowMonitor(new MonitorSettings(5, 500, 500, 100, 0.001,
                MultipleTesting.BENJAMINI_HOCHBERG, Set.of("chi2"), 100, true, 500, 0.2, 3, 16, 1));
        SplittableRandom random = new SplittableRandom(6);
        List<WindowMonitor.Evaluation> alarms = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            int label = i < 2000 ? random.nextInt(3) : (random.nextDouble() < 0.7 ? 0 : 1 + random.nextInt(2));
            WindowMonitor.Evaluation e = monitor.add(sample(random, 0), label, 0, i);
            if (e != null && e.alarm()) {
                alarms.add(e);
            }
        }
        assertThat(monitor.labelTestActive()).isTrue();
        assertThat(alarms).hasSize(1);
        assertThat(alarms.get(0).trigger().detector()).isEqualTo("chi2");
        assertThat(alarms.get(0).startOffsets().get(0)).isGreaterThanOrEqualTo(1950L);
    }

    @Test
    void samplesWithoutAKnownPartitionNeverAppearInStartOffsets() {
        WindowMonitor monitor = new WindowMonitor(settings(true));
        SplittableRandom random = new SplittableRandom(7);
        WindowMonitor.Evaluation alarm = null;
        for (int i = 0; i < 3000 && alarm == null; i++) {
            WindowMonitor.Evaluation e = monitor.add(sample(random, i >= 1500 ? 3 : 0), 0, i % 3 == 0 ? -1 : 0, i);
            alarm = e != null && e.alarm() ? e : null;
        }
        assertThat(alarm).isNotNull();
        assertThat(alarm.startOffsets()).containsOnlyKeys(0);
    }

    @Test
    void aTimeBasedEvaluationRunsOnlyWhenNewSamplesArrived() {
        WindowMonitor monitor = new WindowMonitor(settings(true));
        SplittableRandom random = new SplittableRandom(8);
        assertThat(monitor.evaluateIfPending()).isNull();
        for (int i = 0; i < 520; i++) {
            assertThat(monitor.add(sample(random, 0), 0, 0, i)).isNull();
        }
        WindowMonitor.Evaluation e = monitor.evaluateIfPending();
        assertThat(e).isNotNull();
        assertThat(e.currentCount()).isEqualTo(20);
        // 20 samples are below minSamples: insufficient data, not an alarm
        assertThat(e.results()).allSatisfy(r -> assertThat(r.decision())
                .isEqualTo(io.perennial.drift.detector.Decision.INSUFFICIENT_DATA));
        assertThat(e.alarm()).isFalse();
        assertThat(monitor.evaluateIfPending()).isNull();
    }

    @Test
    void samplesWithTheWrongShapeOrNaNNeverReachTheDetectors() {
        WindowMonitor monitor = new WindowMonitor(settings(true));
        assertThat(monitor.add(new float[] {1, 2}, 0, 0, 0)).isNull();
        assertThat(monitor.add(new float[] {1, 2, Float.NaN, 4, 5}, 0, 0, 1)).isNull();
        assertThat(monitor.seen()).isZero();
        assertThat(monitor.referenceCount()).isZero();
    }

    @Test
    void aRestoredMonitorContinuesWithoutANewAlarmAndStillCatchesTheNextShift() {
        WindowMonitor first = new WindowMonitor(settings(true));
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 1500; i++) {
            first.add(sample(random, 0), 0, 0, i);
        }
        WindowMonitor second = new WindowMonitor(settings(true));
        second.restore(first.phase(), first.referenceRows(), first.referenceLabels(), first.cooldownLeft(),
                first.seen(), first.referenceStart(), first.monitorStart());
        assertThat(second.phase()).isEqualTo(WindowMonitor.Phase.MONITORING);
        int alarms = 0;
        long startOffset = -1;
        for (int i = 1500; i < 4000; i++) {
            WindowMonitor.Evaluation e = second.add(sample(random, i >= 2500 ? 3 : 0), 0, 0, i);
            if (e != null && e.alarm()) {
                alarms++;
                startOffset = e.startOffsets().get(0);
            }
        }
        assertThat(alarms).isEqualTo(1);
        assertThat(startOffset).isBetween(2500L, 2510L);
    }

    /** Rows of {@code n} samples with feature 2 shifted by {@code shift}, row-major. */
    static float[] rows(SplittableRandom random, int n, double shift) {
        float[] rows = new float[n * 5];
        for (int i = 0; i < n; i++) {
            System.arraycopy(sample(random, shift), 0, rows, i * 5, 5);
        }
        return rows;
    }

    @Test
    void anInstalledReferenceIsTestedAgainstAtOnceKeepsTheCurrentWindowAndSurvivesARestoreThoughShort() {
        WindowMonitor monitor = new WindowMonitor(settings(true));
        SplittableRandom random = new SplittableRandom(9);
        // monitoring regime B (feature 2 + 3) against a reference of B
        for (int i = 0; i < 1000; i++) {
            monitor.add(sample(random, 3), 0, 0, i);
        }
        assertThat(monitor.phase()).isEqualTo(WindowMonitor.Phase.MONITORING);
        int window = monitor.currentCount();
        assertThat(window).isPositive();

        // a promoted version learned B: 300 rows (fewer than referenceSize 500), one of them not finite
        float[] installed = rows(random, 301, 3);
        installed[7] = Float.NaN;
        int n = monitor.installReference(installed, new int[301], java.util.Map.of(0, 40L));
        assertThat(n).isEqualTo(300);
        assertThat(monitor.referenceCount()).isEqualTo(300);
        assertThat(monitor.phase()).isEqualTo(WindowMonitor.Phase.MONITORING);
        assertThat(monitor.currentCount()).isEqualTo(window);
        assertThat(monitor.referenceStart()).containsEntry(0, 40L);

        // restored from its checkpoint, the short reference is kept rather than collected again
        WindowMonitor restored = new WindowMonitor(settings(true));
        restored.restore(monitor.phase(), monitor.referenceRows(), monitor.referenceLabels(), monitor.cooldownLeft(),
                monitor.seen(), monitor.referenceStart(), monitor.monitorStart());
        assertThat(restored.phase()).isEqualTo(WindowMonitor.Phase.MONITORING);
        assertThat(restored.referenceCount()).isEqualTo(300);

        // more B: no alarm; then C (feature 2 + 6) from offset 1500: one alarm at its start
        for (WindowMonitor m : List.of(monitor, restored)) {
            SplittableRandom stream = new SplittableRandom(11);
            int alarms = 0;
            long start = -1;
            for (int i = 1000; i < 2500; i++) {
                WindowMonitor.Evaluation e = m.add(sample(stream, i >= 1500 ? 6 : 3), 0, 0, i);
                if (e != null && e.alarm()) {
                    alarms++;
                    start = e.startOffsets().get(0);
                }
            }
            assertThat(alarms).isEqualTo(1);
            assertThat(start).isBetween(1500L, 1510L);
        }
    }

    @Test
    void anInstalledReferenceDoesNotInheritAHalfCollectedOne() {
        WindowMonitor monitor = new WindowMonitor(settings(true));
        SplittableRandom random = new SplittableRandom(13);
        for (int i = 0; i < 200; i++) {
            monitor.add(sample(random, 0), 0, 0, i);
        }
        assertThat(monitor.phase()).isEqualTo(WindowMonitor.Phase.REFERENCE);
        monitor.installReference(rows(random, 500, 3), new int[500], java.util.Map.of(0, 0L));
        assertThat(monitor.referenceCount()).isEqualTo(500);
        assertThat(monitor.currentCount()).isZero();
        assertThat(monitor.monitorStart()).containsEntry(0, 200L);
        // samples like the installed reference raise nothing
        for (int i = 200; i < 1200; i++) {
            WindowMonitor.Evaluation e = monitor.add(sample(random, 3), 0, 0, i);
            assertThat(e == null || !e.alarm()).isTrue();
        }
    }
}
