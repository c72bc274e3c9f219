package io.perennial.drift.detector.monitor;

import io.perennial.drift.detector.Decision;
import io.perennial.drift.detector.DetectorResult;
import io.perennial.drift.detector.window.ChiSquareTest;
import io.perennial.drift.detector.window.FeatureKsTest;
import io.perennial.drift.detector.window.PermutationCalibration;
import io.perennial.drift.detector.window.PopulationStabilityIndex;
import io.perennial.drift.detector.window.RffMmdTest;
import io.perennial.drift.detector.window.WindowTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Monitors one stream: collects a reference window, keeps a sliding current window, evaluates the enabled tests
 * every {@code evaluateEvery} samples and turns their decisions into alarms with a cooldown and hysteresis, so that
 * one shift makes one alarm. Not thread-safe; the service serialises access per stream.
 *
 * <p>Samples carry their Kafka partition and offset, so an alarm can say where the new regime starts
 * ({@link ChangePoint} on the most drifted feature, mapped to the first offset per partition at or after it).
 */
public final class WindowMonitor {

    /** Where the monitor is in its cycle. */
    public enum Phase {
        /** Collecting the reference window; nothing is tested. */
        REFERENCE,
        /** Testing the current window against the reference. */
        MONITORING,
        /** After an alarm, ignoring samples before re-collecting the reference. */
        COOLDOWN,
        /** After an alarm without rebaselining: no new alarm until the tests pass at the resolve level. */
        ALARMED
    }

    /**
     * One evaluation.
     *
     * @param sequence samples seen by the monitor when it ran
     * @param results one per enabled test (insufficient data included)
     * @param alarm whether this evaluation raised an alarm
     * @param resolved whether this evaluation ended an alarm (hysteresis mode)
     * @param trigger the result that raised the alarm (smallest p-value among the drifting tests), or null
     * @param startOffsets for an alarm, per partition the first offset of the new regime
     */
    public record Evaluation(long sequence, List<DetectorResult> results, boolean alarm, boolean resolved,
            DetectorResult trigger, Map<Integer, Long> startOffsets, int referenceCount, int currentCount) {
    }

    private final MonitorSettings settings;
    private final int d;
    private final float[] reference;
    private final int[] referenceLabels;
    private int referenceCount;
    private final float[] ring;
    private final int[] ringLabels;
    private final int[] ringPartitions;
    private final long[] ringOffsets;
    private int ringStart;
    private int ringCount;
    private final float[] window;
    private final double[] series;
    private Phase phase = Phase.REFERENCE;
    private long seen;
    private int sinceEvaluation;
    private int cooldownLeft;
    private final List<WindowTest> tests = new ArrayList<>();
    private double[] referenceMeans = new double[0];
    private double[] referenceSds = new double[0];
    private final Map<Integer, Long> nextOffsets = new TreeMap<>();
    private Map<Integer, Long> referenceStart = new TreeMap<>();
    private Map<Integer, Long> monitorStart = new TreeMap<>();
    private boolean labelled;
    private final Map<String, Double> levels = new TreeMap<>();

    public WindowMonitor(MonitorSettings settings) {
        this.settings = settings;
        this.d = settings.dimension();
        this.reference = new float[settings.referenceSize() * d];
        this.referenceLabels = new int[settings.referenceSize()];
        this.ring = new float[settings.windowSize() * d];
        this.ringLabels = new int[settings.windowSize()];
        this.ringPartitions = new int[settings.windowSize()];
        this.ringOffsets = new long[settings.windowSize()];
        this.window = new float[settings.windowSize() * d];
        this.series = new double[settings.windowSize()];
    }

    public MonitorSettings settings() {
        return settings;
    }

    public Phase phase() {
        return phase;
    }

    public long seen() {
        return seen;
    }

    public int referenceCount() {
        return referenceCount;
    }

    public int currentCount() {
        return ringCount;
    }

    /** Per partition, the offset after the last sample added. */
    public Map<Integer, Long> nextOffsets() {
        return Map.copyOf(nextOffsets);
    }

    /** Per partition, the first offset of the reference window being collected or in use. */
    public Map<Integer, Long> referenceStart() {
        return Map.copyOf(referenceStart);
    }

    /**
     * Adds a sample and evaluates when one is due.
     *
     * @param label category index for the chi-square test, or -1 when unknown
     * @param partition the Kafka partition, or -1 when the sample's position is unknown (it then never appears in
     *     start offsets)
     * @return the evaluation, or null when none ran
     */
    public Evaluation add(float[] features, int label, int partition, long offset) {
        if (!accept(features, label, partition, offset)) {
            return null;
        }
        if ((phase == Phase.MONITORING || phase == Phase.ALARMED) && sinceEvaluation >= settings.evaluateEvery()) {
            return evaluate();
        }
        return null;
    }

    /** Adds a sample without evaluating (replay after a restart). */
    public void addQuietly(float[] features, int label, int partition, long offset) {
        accept(features, label, partition, offset);
    }

    private boolean accept(float[] features, int label, int partition, long offset) {
        if (features.length != d || !finite(features)) {
            return false;
        }
        seen++;
        if (partition >= 0) {
            nextOffsets.merge(partition, offset + 1, Math::max);
        }
        switch (phase) {
            case COOLDOWN -> {
                if (--cooldownLeft <= 0) {
                    startReference();
                }
                return false;
            }
            case REFERENCE -> {
                if (partition >= 0) {
                    referenceStart.putIfAbsent(partition, offset);
                }
                System.arraycopy(features, 0, reference, referenceCount * d, d);
                referenceLabels[referenceCount] = label;
                referenceCount++;
                if (referenceCount == settings.referenceSize()) {
                    freezeReference();
                }
                return false;
            }
            default -> {
                push(features, label, partition, offset);
                sinceEvaluation++;
                return true;
            }
        }
    }

    private void push(float[] features, int label, int partition, long offset) {
        int w = settings.windowSize();
        int slot;
        if (ringCount < w) {
            slot = (ringStart + ringCount) % w;
            ringCount++;
        } else {
            slot = ringStart;
            ringStart = (ringStart + 1) % w;
        }
        System.arraycopy(features, 0, ring, slot * d, d);
        ringLabels[slot] = label;
        ringPartitions[slot] = partition;
        ringOffsets[slot] = offset;
    }

    private void startReference() {
        phase = Phase.REFERENCE;
        referenceCount = 0;
        referenceStart = new TreeMap<>();
        ringCount = 0;
        ringStart = 0;
        tests.clear();
    }

    private void freezeReference() {
        phase = Phase.MONITORING;
        monitorStart = new TreeMap<>(nextOffsets);
        labelled = false;
        for (int i = 0; i < referenceCount; i++) {
            labelled |= referenceLabels[i] >= 0;
        }
        ringCount = 0;
        ringStart = 0;
        sinceEvaluation = 0;
        tests.clear();
        int n = referenceCount;
        int enabled = enabledTests();
        double alpha = settings.alpha() / Math.max(1, enabled);
        List<WindowTest.Factory> factories = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (settings.detectors().contains("ks")) {
            names.add("ks");
            factories.add(FeatureKsTest.factory(alpha, settings.correction(), settings.minSamples()));
        }
        if (settings.detectors().contains("mmd")) {
            names.add("mmd");
            factories.add(RffMmdTest.factory(settings.rffFeatures(), alpha, settings.minSamples(), settings.seed()));
        }
        if (settings.detectors().contains("psi")) {
            names.add("psi");
            factories.add(PopulationStabilityIndex.factory(10, alpha, 0.1, settings.minSamples()));
        }
        levels.clear();
        for (int k = 0; k < factories.size(); k++) {
            double level = alpha;
            if (settings.calibrationPermutations() > 0 && n >= 2 * settings.minSamples()) {
                double[] nullP = PermutationCalibration.nullPValues(reference, n, d,
                        Math.min(settings.windowSize(), n / 2), factories.get(k),
                        settings.calibrationPermutations(), settings.seed() + k);
                level = PermutationCalibration.calibratedLevel(nullP, alpha);
            }
            levels.put(names.get(k), level);
            double finalLevel = level;
            tests.add(switch (names.get(k)) {
                case "ks" -> new FeatureKsTest(reference, n, d, finalLevel, settings.correction(),
                        settings.minSamples());
                case "mmd" -> new RffMmdTest(reference, n, d, settings.rffFeatures(), finalLevel,
                        settings.minSamples(), settings.seed());
                default -> new PopulationStabilityIndex(reference, n, d, 10, finalLevel, 0.1, settings.minSamples());
            });
        }
        referenceMeans = new double[d];
        referenceSds = new double[d];
        for (int j = 0; j < d; j++) {
            double mean = 0;
            double m2 = 0;
            for (int i = 0; i < n; i++) {
                double x = reference[i * d + j];
                double delta = x - mean;
                mean += delta / (i + 1);
                m2 += delta * (x - mean);
            }
            referenceMeans[j] = mean;
            referenceSds[j] = n > 1 ? Math.sqrt(m2 / (n - 1)) : 1;
        }
    }

    private int enabledTests() {
        int k = 0;
        for (String name : List.of("ks", "mmd", "psi")) {
            if (settings.detectors().contains(name)) {
                k++;
            }
        }
        if (labelTestActive()) {
            k++;
        }
        return k;
    }

    /** Whether the chi-square test on labels runs: enabled, with categories, and the reference has labels. */
    public boolean labelTestActive() {
        return settings.detectors().contains("chi2") && settings.categories() > 1 && labelled;
    }

    /** The level each feature test of the current reference uses (calibrated or nominal). */
    public Map<String, Double> levels() {
        return Map.copyOf(levels);
    }

    /** Per partition, the offset where testing against the current reference began. */
    public Map<Integer, Long> monitorStart() {
        return Map.copyOf(monitorStart);
    }

    /** Evaluates now if the monitor is testing and has new samples since the last evaluation (time-based). */
    public Evaluation evaluateIfPending() {
        if ((phase == Phase.MONITORING || phase == Phase.ALARMED) && sinceEvaluation > 0) {
            return evaluate();
        }
        return null;
    }

    private Evaluation evaluate() {
        sinceEvaluation = 0;
        int m = ringCount;
        int w = settings.windowSize();
        for (int i = 0; i < m; i++) {
            System.arraycopy(ring, ((ringStart + i) % w) * d, window, i * d, d);
        }
        List<DetectorResult> results = new ArrayList<>(tests.size() + 1);
        for (WindowTest test : tests) {
            results.add(test.test(window, m));
        }
        if (labelTestActive()) {
            results.add(labelTest(m));
        }
        DetectorResult trigger = null;
        boolean allResolved = true;
        for (DetectorResult r : results) {
            if (r.drift() && (trigger == null || r.pValue() < trigger.pValue())) {
                trigger = r;
            }
            if (r.decision() == Decision.INSUFFICIENT_DATA || r.pValue() <= settings.resolveAlpha()) {
                allResolved = false;
            }
        }
        if (phase == Phase.ALARMED) {
            if (allResolved) {
                phase = Phase.MONITORING;
                return new Evaluation(seen, results, false, true, null, Map.of(), referenceCount, m);
            }
            return new Evaluation(seen, results, false, false, null, Map.of(), referenceCount, m);
        }
        if (trigger == null) {
            return new Evaluation(seen, results, false, false, null, Map.of(), referenceCount, m);
        }
        Map<Integer, Long> start = startOffsets(trigger, m);
        if (settings.rebaseline()) {
            phase = Phase.COOLDOWN;
            cooldownLeft = settings.cooldown();
            if (cooldownLeft <= 0) {
                startReference();
            }
        } else {
            phase = Phase.ALARMED;
        }
        return new Evaluation(seen, results, true, false, trigger, start, referenceCount, m);
    }

    private DetectorResult labelTest(int m) {
        int k = settings.categories();
        long[] ref = new long[k];
        long[] cur = new long[k];
        for (int i = 0; i < referenceCount; i++) {
            int l = referenceLabels[i];
            if (l >= 0 && l < k) {
                ref[l]++;
            }
        }
        int w = settings.windowSize();
        for (int i = 0; i < m; i++) {
            int l = ringLabels[(ringStart + i) % w];
            if (l >= 0 && l < k) {
                cur[l]++;
            }
        }
        return ChiSquareTest.test("chi2", ref, cur, settings.alpha() / Math.max(1, enabledTests()),
                settings.minSamples());
    }

    private Map<Integer, Long> startOffsets(DetectorResult trigger, int m) {
        int w = settings.windowSize();
        int cut;
        if ("chi2".equals(trigger.detector())) {
            int k = Math.max(0, trigger.feature());
            for (int i = 0; i < m; i++) {
                series[i] = ringLabels[(ringStart + i) % w] == k ? 1 : 0;
            }
            double p = 0;
            for (int i = 0; i < referenceCount; i++) {
                p += referenceLabels[i] == k ? 1 : 0;
            }
            p /= Math.max(1, referenceCount);
            cut = ChangePoint.estimate(series, m, p, Math.sqrt(Math.max(p * (1 - p), 1e-6)));
        } else {
            int f = trigger.feature() >= 0 ? trigger.feature() : mostShiftedFeature(m);
            for (int i = 0; i < m; i++) {
                series[i] = window[i * d + f];
            }
            cut = ChangePoint.estimate(series, m, referenceMeans[f], referenceSds[f]);
        }
        Map<Integer, Long> start = new TreeMap<>();
        for (int i = cut; i < m; i++) {
            int slot = (ringStart + i) % w;
            if (ringPartitions[slot] >= 0) {
                start.putIfAbsent(ringPartitions[slot], ringOffsets[slot]);
            }
        }
        for (Map.Entry<Integer, Long> e : nextOffsets.entrySet()) {
            start.putIfAbsent(e.getKey(), e.getValue());
        }
        return start;
    }

    private int mostShiftedFeature(int m) {
        int best = 0;
        double bestScore = -1;
        for (int j = 0; j < d; j++) {
            double s = 0;
            for (int i = 0; i < m; i++) {
                s += window[i * d + j];
            }
            double z = Math.abs(s / Math.max(1, m) - referenceMeans[j]) / (referenceSds[j] > 0 ? referenceSds[j] : 1);
            if (z > bestScore) {
                bestScore = z;
                best = j;
            }
        }
        return best;
    }

    /**
     * Installs a reference read from elsewhere (a promoted version's training segment) and tests the samples that
     * follow against it. Rows that are not finite are skipped. When the monitor was testing, its current window is
     * kept (those samples matched the old reference, so they belong to one regime) and simply tested against the new
     * reference from now on, so a shift right after the swap is located from the whole window; otherwise the window
     * starts empty.
     *
     * @param rows row-major reference rows, at most {@code referenceSize} of them are used (the first ones)
     * @param labels category index per row, or -1
     * @param from per partition, the first offset of the rows (kept as the reference's start)
     * @return the rows installed
     */
    public int installReference(float[] rows, int[] labels, Map<Integer, Long> from) {
        boolean keepWindow = phase == Phase.MONITORING || phase == Phase.ALARMED;
        int keptStart = ringStart;
        int keptCount = ringCount;
        Map<Integer, Long> keptMonitorStart = monitorStart;
        startReference();
        int n = 0;
        float[] row = new float[d];
        for (int i = 0; i < rows.length / d && n < settings.referenceSize(); i++) {
            System.arraycopy(rows, i * d, row, 0, d);
            if (!finite(row)) {
                continue;
            }
            System.arraycopy(row, 0, reference, n * d, d);
            referenceLabels[n] = i < labels.length ? labels[i] : -1;
            n++;
        }
        referenceCount = n;
        referenceStart = new TreeMap<>(from);
        cooldownLeft = 0;
        freezeReference();
        if (keepWindow) {
            ringStart = keptStart;
            ringCount = keptCount;
            monitorStart = keptMonitorStart;
        }
        return n;
    }

    /** Discards the reference; the next {@code referenceSize} samples become the new one. */
    public void resetReference() {
        startReference();
    }

    /** The reference window's rows (row-major), for persisting. */
    public float[] referenceRows() {
        return Arrays.copyOf(reference, referenceCount * d);
    }

    /** The reference window's labels, for persisting. */
    public int[] referenceLabels() {
        return Arrays.copyOf(referenceLabels, referenceCount);
    }

    /**
     * Restores a persisted state: the reference (complete or partial), the phase and the alarm state.
     *
     * @param rows row-major reference rows
     * @param labels the reference labels, one per row
     */
    public void restore(Phase restoredPhase, float[] rows, int[] labels, int cooldownRemaining, long seenSoFar,
            Map<Integer, Long> referenceFrom, Map<Integer, Long> monitorFrom) {
        seen = seenSoFar;
        ringCount = 0;
        ringStart = 0;
        int n = Math.min(rows.length / d, settings.referenceSize());
        if (restoredPhase == Phase.REFERENCE || n == 0) {
            // a reference still being collected is collected again from where it started (the caller seeks there),
            // or continues from the rows given (a small one, such as the served confidences, is stored as collected);
            // a frozen one may be shorter than referenceSize when it was installed from a short segment
            startReference();
            if (restoredPhase == Phase.REFERENCE && n > 0 && n < settings.referenceSize()) {
                System.arraycopy(rows, 0, reference, 0, n * d);
                System.arraycopy(labels, 0, referenceLabels, 0, Math.min(n, labels.length));
                referenceCount = n;
                referenceStart = new TreeMap<>(referenceFrom);
            }
            return;
        }
        System.arraycopy(rows, 0, reference, 0, n * d);
        System.arraycopy(labels, 0, referenceLabels, 0, Math.min(n, labels.length));
        referenceCount = n;
        referenceStart = new TreeMap<>(referenceFrom);
        freezeReference();
        monitorStart = new TreeMap<>(monitorFrom);
        phase = restoredPhase;
        cooldownLeft = cooldownRemaining;
    }

    /** Samples left before the cooldown ends. */
    public int cooldownLeft() {
        return cooldownLeft;
    }

    private static boolean finite(float[] x) {
        for (float v : x) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
