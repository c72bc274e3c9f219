package io.perennial.drift.bench;

import io.perennial.drift.detector.DetectorResult;
import io.perennial.drift.detector.monitor.MonitorSettings;
import io.perennial.drift.detector.monitor.WindowMonitor;
import io.perennial.drift.detector.sequential.Adwin;
import io.perennial.drift.detector.sequential.ArlCalibration;
import io.perennial.drift.detector.sequential.Cooldown;
import io.perennial.drift.detector.sequential.Ddm;
import io.perennial.drift.detector.sequential.HddmA;
import io.perennial.drift.detector.sequential.PageHinkley;
import io.perennial.drift.detector.sequential.SequentialDetector;
import io.perennial.drift.detector.window.FeatureKsTest;
import io.perennial.drift.detector.window.MultipleTesting;
import io.perennial.drift.detector.window.PermutationCalibration;
import io.perennial.drift.detector.window.PopulationStabilityIndex;
import io.perennial.drift.detector.window.WindowTest;
import io.perennial.drift.detector.window.RffMmdTest;
import java.awt.Color;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Evaluates every detector on streams with known drift points and prints delay, false alarms, missed drifts,
 * precision/recall/F1 and throughput; writes {@code results.md} and PNG charts of statistics over time.
 *
 * <pre>
 * java -cp ... io.perennial.drift.bench.DriftBenchmark [--quick] [--perf-only] [--out DIR] [--fashion DIR]
 *     [--flights FILE]
 * </pre>
 *
 * Defaults: {@code --out target/bench}, {@code --fashion /usr/share/datasets/fashion-mnist}, flights from
 * {@code --flights}, else {@code npm pack vega-datasets@3.2.1} into a temporary directory.
 */
public final class DriftBenchmark {

    /** Target false alarms per sample for the calibrated setting: at most 1 per 100,000 samples. */
    static final double TARGET_RATE = 1e-5;

    /** Keeps measured loops from being optimised away. */
    static long sink;

    private final boolean quick;
    private final Path out;
    private final Path fashion;
    private final Path flights;
    private final StringBuilder report = new StringBuilder();
    private final List<String[]> rows = new ArrayList<>();

    DriftBenchmark(boolean quick, Path out, Path fashion, Path flights) {
        this.quick = quick;
        this.out = out;
        this.fashion = fashion;
        this.flights = flights;
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        boolean quick = false;
        boolean perfOnly = false;
        Path out = Paths.get("target", "bench");
        Path fashion = Paths.get("/usr/share/datasets/fashion-mnist");
        Path flights = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--perf-only" -> perfOnly = true;
                case "--out" -> out = Paths.get(args[++i]);
                case "--fashion" -> fashion = Paths.get(args[++i]);
                case "--flights" -> flights = Paths.get(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (use --quick, --perf-only, --out DIR, --fashion DIR, --flights FILE)");
            }
        }
        Files.createDirectories(out);
        DriftBenchmark bench = new DriftBenchmark(quick, out, fashion, flights);
        if (perfOnly) {
            bench.performance();
        } else {
            bench.run();
        }
    }

    void run() throws Exception {
        long start = System.nanoTime();
        line("# Drift detector benchmark (" + (quick ? "quick" : "full") + ")");
        line("");
        line("JVM " + System.getProperty("java.version") + ", " + Runtime.getRuntime().availableProcessors()
                + " processors available, single-threaded measurements. Target false-alarm rate "
                + "1 per 100k samples: window tests use alpha = rate x evaluation period; Page-Hinkley's threshold "
                + "is calibrated by simulation to ARL0 = 100k.");
        line("");
        header();
        syntheticFeatureStreams();
        labelPriorStream();
        errorStreams();
        fashionMnist();
        table();
        performance();
        flightsStream();
        line("");
        line(String.format(Locale.ROOT, "Total time %.1f s.", (System.nanoTime() - start) / 1e9));
        Files.writeString(out.resolve("results.md"), report.toString());
        System.out.println("wrote " + out.resolve("results.md"));
    }

    // ------------------------------------------------------------------ feature streams

    /** A generator of feature vectors whose distribution depends on the sample index. */
    interface Generator {
        void next(long t, SplittableRandom random, float[] out);
    }

    static double gaussian(SplittableRandom r) {
        double u1 = 1 - r.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    /**
     * Segment {@code i} of length {@code segment} has the drifted features' mean (or scale) alternate between the
     * base and changed value; with {@code ramp > 0} the change is linear over that many samples (gradual).
     */
    static Generator alternating(int dims, int changed, double meanShift, double scale, long segment, long ramp) {
        return (t, r, x) -> {
            long seg = t / segment;
            long into = t - seg * segment;
            double level = seg % 2 == 1 ? 1 : 0;
            if (ramp > 0 && seg > 0 && into < ramp) {
                double prev = (seg - 1) % 2 == 1 ? 1 : 0;
                level = prev + (level - prev) * into / (double) ramp;
            }
            for (int j = 0; j < dims; j++) {
                double z = gaussian(r);
                if (j < changed) {
                    z = z * (1 + (scale - 1) * level) + meanShift * level;
                }
                x[j] = (float) z;
            }
        };
    }

    record MonitorRun(List<Long> alarms, double[] evalX, double[] evalY, double seconds, long samples) {
    }

    static MonitorRun runMonitor(MonitorSettings settings, Generator gen, long length, long seed,
            IntFunction<Integer> labelOf) {
        WindowMonitor monitor = new WindowMonitor(settings);
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[settings.dimension()];
        List<Long> alarms = new ArrayList<>();
        double[] ex = new double[(int) (length / settings.evaluateEvery()) + 2];
        double[] ey = new double[ex.length];
        int k = 0;
        long nanos = 0;
        for (long t = 0; t < length; t++) {
            gen.next(t, random, x);
            int label = labelOf == null ? -1 : labelOf.apply((int) t);
            long t0 = System.nanoTime();
            WindowMonitor.Evaluation e = monitor.add(x, label, 0, t);
            nanos += System.nanoTime() - t0;
            if (e != null) {
                if (e.alarm()) {
                    alarms.add(t);
                }
                if (k < ex.length) {
                    double minP = 1;
                    for (DetectorResult r : e.results()) {
                        if (!Double.isNaN(r.pValue())) {
                            minP = Math.min(minP, r.pValue());
                        }
                    }
                    ex[k] = t;
                    ey[k] = -Math.log10(Math.max(minP, 1e-300));
                    k++;
                }
            }
        }
        return new MonitorRun(alarms, Arrays.copyOf(ex, k), Arrays.copyOf(ey, k), nanos / 1e9, length);
    }

    static MonitorSettings windowSettings(int dims, String detector, int reference, int window, int every,
            int categories) {
        double alpha = TARGET_RATE * every;
        MultipleTesting correction = detector.equals("ks-bonferroni") ? MultipleTesting.BONFERRONI
                : MultipleTesting.BENJAMINI_HOCHBERG;
        Set<String> names = detector.equals("ks+mmd") ? Set.of("ks", "mmd")
                : Set.of(detector.startsWith("ks") ? "ks" : detector);
        return new MonitorSettings(dims, reference, window, every, alpha, correction, names, 100, true,
                window, 0.2, categories, 32, 7L);
    }

    void syntheticFeatureStreams() throws IOException {
        long segment = quick ? 3000 : 10_000;
        int drifts = quick ? 4 : 9;
        long length = segment * (drifts + 1);
        long nullLength = quick ? 100_000 : 500_000;
        // ks+mmd is the service's default: both tests, alpha split between them
        List<String> detectors = List.of("ks-bh", "ks-bonferroni", "mmd", "psi", "ks+mmd");
        Map<String, Scoring.Score> nullScores = new LinkedHashMap<>();
        for (int dims : new int[] {1, 10, 100}) {
            int changed = Math.max(1, dims / 10);
            Map<String, Generator> streams = new LinkedHashMap<>();
            streams.put("abrupt-mean-" + dims + "d", alternating(dims, changed, 0.5, 1, segment, 0));
            streams.put("abrupt-var-" + dims + "d", alternating(dims, changed, 0, 1.5, segment, 0));
            streams.put("gradual-mean-" + dims + "d", alternating(dims, changed, 0.5, 1, segment, 1000));
            long[] points = new long[drifts];
            for (int i = 0; i < drifts; i++) {
                points[i] = segment * (i + 1);
            }
            for (Map.Entry<String, Generator> s : streams.entrySet()) {
                boolean gradual = s.getKey().startsWith("gradual");
                Plot plot = new Plot(s.getKey() + ": -log10 p per evaluation", "-log10 p");
                Color[] colors = {Color.BLUE, Color.ORANGE, Color.MAGENTA, Color.CYAN.darker()};
                int c = 0;
                for (String det : detectors) {
                    MonitorRun run = runMonitor(windowSettings(dims, det, 500, 500, 50, 0), s.getValue(), length,
                            11, null);
                    Scoring.Score score = new Scoring.Score();
                    score.add(points, run.alarms(), gradual ? 2500 : 1500, length);
                    row(s.getKey(), det, score, run.samples() / run.seconds());
                    if (dims == 10 && !gradual && (det.equals("ks-bh") || det.equals("mmd"))) {
                        plot.series(det, run.evalX(), run.evalY(), colors[c++]);
                        if (det.equals("mmd")) {
                            run.alarms().forEach(a -> plot.alarm(a));
                        }
                    }
                }
                if (dims == 10 && !gradual) {
                    for (long p : points) {
                        plot.drift(p);
                    }
                    plot.threshold(-Math.log10(TARGET_RATE * 50));
                    plot.write(out.resolve(s.getKey() + ".png"));
                }
            }
            // the no-drift stream measures the false-alarm rate at the calibrated setting
            for (String det : detectors) {
                MonitorRun run = runMonitor(windowSettings(dims, det, 500, 500, 50, 0),
                        alternating(dims, 0, 0, 1, Long.MAX_VALUE, 0), nullLength, 99, null);
                Scoring.Score score = new Scoring.Score();
                score.add(new long[0], run.alarms(), 0, nullLength);
                row("no-drift-" + dims + "d", det, score, run.samples() / run.seconds());
                nullScores.computeIfAbsent(det, k -> new Scoring.Score()).add(new long[0], run.alarms(), 0,
                        nullLength);
            }
        }
    }

    void labelPriorStream() {
        long segment = quick ? 3000 : 10_000;
        int drifts = quick ? 4 : 9;
        long length = segment * (drifts + 1);
        long[] points = new long[drifts];
        for (int i = 0; i < drifts; i++) {
            points[i] = segment * (i + 1);
        }
        SplittableRandom labels = new SplittableRandom(5);
        int[] y = new int[(int) length];
        for (int t = 0; t < length; t++) {
            double u = labels.nextDouble();
            boolean shifted = (t / segment) % 2 == 1;
            double[] prior = shifted ? new double[] {0.5, 0.25, 0.25} : new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0};
            y[t] = u < prior[0] ? 0 : u < prior[0] + prior[1] ? 1 : 2;
        }
        MonitorRun run = runMonitor(windowSettings(2, "chi2", 500, 500, 50, 3),
                (t, r, x) -> {
                    x[0] = (float) (gaussian(r) + y[(int) t]);
                    x[1] = (float) gaussian(r);
                }, length, 3, t -> y[t]);
        Scoring.Score score = new Scoring.Score();
        score.add(points, run.alarms(), 1500, length);
        row("label-prior", "chi2", score, run.samples() / run.seconds());
    }

    // ------------------------------------------------------------------ error streams

    void errorStreams() throws IOException {
        int trials = quick ? 20 : 100;
        int before = 5000;
        int after = 5000;
        double p0 = 0.1;
        SplittableRandom calib = new SplittableRandom(1);
        double phDelta = 0.025;
        double lambda = ArlCalibration.calibrate(l -> new PageHinkley(phDelta, l, 30),
                () -> calib.nextDouble() < p0 ? 1 : 0, 1 / TARGET_RATE, 1, 200, quick ? 24 : 64);
        line(String.format(Locale.ROOT, "Page-Hinkley (delta %.3f) calibrated to ARL0 = 100k at error rate %.2f: "
                + "lambda = %.2f.", phDelta, p0, lambda));
        line("");
        Map<String, Supplier<SequentialDetector>> detectors = new LinkedHashMap<>();
        // as in the service: a cooldown of 1000 values after each alarm (one change, one alarm)
        detectors.put("adwin", () -> new Cooldown(Adwin.withDelta(0.002), 1000));
        detectors.put("ddm", () -> new Cooldown(Ddm.defaults(), 1000));
        detectors.put("page-hinkley", () -> new Cooldown(new PageHinkley(phDelta, lambda, 30), 1000));
        detectors.put("hddm-a", () -> new Cooldown(new HddmA(0.001), 1000));
        Plot plot = new Plot("error-jump 0.10 -> 0.30 (one trial): detector statistics / threshold", "stat/threshold");
        Color[] colors = {Color.BLUE, Color.ORANGE, Color.MAGENTA, Color.CYAN.darker()};
        int ci = 0;
        for (double p1 : new double[] {0.15, 0.2, 0.3, 0.5}) {
            String stream = String.format(Locale.ROOT, "error-jump-%.2f-%.2f", p0, p1);
            for (Map.Entry<String, Supplier<SequentialDetector>> d : detectors.entrySet()) {
                Scoring.Score score = new Scoring.Score();
                long nanos = 0;
                for (int trial = 0; trial < trials; trial++) {
                    SequentialDetector det = d.getValue().get();
                    SplittableRandom r = new SplittableRandom(1000L * trial + 17);
                    List<Long> alarms = new ArrayList<>();
                    boolean plotIt = trial == 0 && p1 == 0.3;
                    double[] px = plotIt ? new double[before + after] : null;
                    double[] py = plotIt ? new double[before + after] : null;
                    long t0 = System.nanoTime();
                    for (int t = 0; t < before + after; t++) {
                        double e = r.nextDouble() < (t < before ? p0 : p1) ? 1 : 0;
                        if (det.update(e)) {
                            alarms.add((long) t);
                        }
                        if (plotIt) {
                            px[t] = t;
                            py[t] = det.statistic() / det.threshold();
                        }
                    }
                    nanos += System.nanoTime() - t0;
                    score.add(new long[] {before}, alarms, 2500, before + after);
                    if (plotIt) {
                        plot.series(d.getKey(), px, py, colors[ci++ % colors.length]);
                    }
                }
                row(stream, d.getKey(), score, (double) trials * (before + after) / (nanos / 1e9));
            }
        }
        plot.drift(before).threshold(1).write(out.resolve("error-jump.png"));
        long nullLength = quick ? 1_000_000 : 5_000_000;
        for (Map.Entry<String, Supplier<SequentialDetector>> d : detectors.entrySet()) {
            SequentialDetector det = d.getValue().get();
            SplittableRandom r = new SplittableRandom(77);
            List<Long> alarms = new ArrayList<>();
            for (long t = 0; t < nullLength; t++) {
                if (det.update(r.nextDouble() < p0 ? 1 : 0)) {
                    alarms.add(t);
                }
            }
            Scoring.Score score = new Scoring.Score();
            score.add(new long[0], alarms, 0, nullLength);
            row("no-drift-error-0.10", d.getKey(), score, Double.NaN);
        }
    }

    // ------------------------------------------------------------------ Fashion-MNIST

    static float[][] readIdxImages(Path file, int limit) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16);
                DataInputStream data = new DataInputStream(in)) {
            int magic = data.readInt();
            if (magic != 0x00000803) {
                throw new IOException("not an IDX image file: " + file);
            }
            int n = Math.min(limit, data.readInt());
            int rows = data.readInt();
            int cols = data.readInt();
            float[][] images = new float[n][rows * cols];
            byte[] buf = new byte[rows * cols];
            for (int i = 0; i < n; i++) {
                data.readFully(buf);
                for (int j = 0; j < buf.length; j++) {
                    images[i][j] = (buf[j] & 0xff) / 255f;
                }
            }
            return images;
        }
    }

    void fashionMnist() throws IOException {
        Path file = fashion.resolve("train-images-idx3-ubyte.gz");
        if (!Files.isRegularFile(file)) {
            line("Fashion-MNIST skipped: " + file + " not found.");
            line("");
            return;
        }
        int segment = quick ? 3000 : 10_000;
        float[][] images = readIdxImages(file, 4 * segment);
        long[] points = {segment, 2L * segment, 3L * segment};
        // clean -> rotated 90 degrees -> clean with Gaussian pixel noise (sd 0.3) -> clean
        Generator gen = (t, r, x) -> {
            float[] img = images[(int) t];
            int seg = (int) (t / segment);
            for (int i = 0; i < 28; i++) {
                for (int j = 0; j < 28; j++) {
                    float v = seg == 1 ? img[(27 - j) * 28 + i] : img[i * 28 + j];
                    if (seg == 2) {
                        v = (float) Math.min(1, Math.max(0, v + 0.3 * gaussian(r)));
                    }
                    x[i * 28 + j] = v;
                }
            }
        };
        Plot plot = new Plot("Fashion-MNIST 784 features: clean | rotated 90 | noise sd 0.3 | clean", "-log10 p");
        Color[] colors = {Color.BLUE, Color.MAGENTA, Color.ORANGE, Color.GRAY};
        int c = 0;
        for (String det : List.of("ks-bh", "mmd", "psi", "ks+mmd")) {
            MonitorRun run = runMonitor(windowSettings(784, det, 1000, 1000, 250, 0), gen, 4L * segment, 5, null);
            Scoring.Score score = new Scoring.Score();
            score.add(points, run.alarms(), 2000, 4L * segment);
            row("fashion-mnist-rot-noise", det, score, run.samples() / run.seconds());
            plot.series(det, run.evalX(), run.evalY(), colors[c++]);
            if (det.equals("mmd")) {
                run.alarms().forEach(a -> plot.alarm(a));
            }
        }
        for (long p : points) {
            plot.drift(p);
        }
        plot.write(out.resolve("fashion-mnist.png"));
        permutationCheck(images);
    }

    /** The tests' false-alarm rate on Fashion-MNIST, by permutation of a clean reference window. */
    private void permutationCheck(float[][] images) {
        int n = 1000;
        float[] ref = new float[n * 784];
        for (int i = 0; i < n; i++) {
            System.arraycopy(images[i], 0, ref, i * 784, 784);
        }
        int b = quick ? 40 : 200;
        StringBuilder s = new StringBuilder("Permutation check on a clean Fashion-MNIST reference of 1000 (" + b
                + " splits 500/500), empirical size at nominal 0.05 / calibrated level for 5e-4: ");
        Map<String, WindowTest.Factory> tests = new LinkedHashMap<>();
        tests.put("ks-bh", FeatureKsTest.factory(0.05, MultipleTesting.BENJAMINI_HOCHBERG, 100));
        tests.put("mmd", RffMmdTest.factory(32, 0.05, 100, 7));
        tests.put("psi", PopulationStabilityIndex.factory(10, 0.05, 0, 100));
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, WindowTest.Factory> t : tests.entrySet()) {
            double[] nullP = PermutationCalibration.nullPValues(ref, n, 784, 500, t.getValue(), b, 3);
            parts.add(String.format(Locale.ROOT, "%s %.3f / %.1e", t.getKey(),
                    PermutationCalibration.empiricalSize(nullP, 0.05),
                    PermutationCalibration.calibratedLevel(nullP, 5e-4)));
        }
        line(s + String.join(", ", parts) + ".");
        line("");
    }

    // ------------------------------------------------------------------ performance

    void performance() throws IOException {
        line("");
        line("## Throughput and latency");
        line("");
        int n = quick ? 5_000_000 : 20_000_000;
        double[] bits = new double[1 << 20];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < bits.length; i++) {
            bits[i] = r.nextDouble() < 0.2 ? 1 : 0;
        }
        Map<String, Supplier<SequentialDetector>> detectors = new LinkedHashMap<>();
        detectors.put("adwin", () -> Adwin.withDelta(0.002));
        detectors.put("page-hinkley", PageHinkley::defaults);
        detectors.put("ddm", Ddm::defaults);
        detectors.put("hddm-a", () -> new HddmA(0.001));
        line("| detector | bits/s (one core) |");
        line("|---|---:|");
        for (Map.Entry<String, Supplier<SequentialDetector>> d : detectors.entrySet()) {
            double best = 0;
            for (int rep = 0; rep < 3; rep++) {
                SequentialDetector det = d.getValue().get();
                long alarms = 0;
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    if (det.update(bits[i & (bits.length - 1)])) {
                        alarms++;
                    }
                }
                double rate = n / ((System.nanoTime() - t0) / 1e9);
                best = Math.max(best, rate);
                sink += alarms;
            }
            line(String.format(Locale.ROOT, "| %s | %,.0f |", d.getKey(), best));
        }
        line("");
        // KS + MMD on 784 features at a window of 1000
        int d = 784;
        int w = 1000;
        float[] ref = new float[w * d];
        float[] cur = new float[w * d];
        Path file = fashion.resolve("train-images-idx3-ubyte.gz");
        String source;
        if (Files.isRegularFile(file)) {
            float[][] images = readIdxImages(file, 2 * w);
            for (int i = 0; i < w; i++) {
                System.arraycopy(images[i], 0, ref, i * d, d);
                System.arraycopy(images[w + i], 0, cur, i * d, d);
            }
            source = "Fashion-MNIST images";
        } else {
            for (int i = 0; i < ref.length; i++) {
                ref[i] = (float) gaussian(r);
                cur[i] = (float) gaussian(r);
            }
            source = "Gaussian data";
        }
        FeatureKsTest ks = new FeatureKsTest(ref, w, d, 0.001, MultipleTesting.BENJAMINI_HOCHBERG, 100);
        RffMmdTest mmd = new RffMmdTest(ref, w, d, 32, 0.001, 100, 1);
        int reps = quick ? 30 : 100;
        double[] ksMs = new double[reps];
        double[] mmdMs = new double[reps];
        for (int i = 0; i < 10; i++) {
            ks.test(cur, w);
            mmd.test(cur, w);
        }
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            ks.test(cur, w);
            long t1 = System.nanoTime();
            mmd.test(cur, w);
            long t2 = System.nanoTime();
            ksMs[i] = (t1 - t0) / 1e6;
            mmdMs[i] = (t2 - t1) / 1e6;
        }
        Arrays.sort(ksMs);
        Arrays.sort(mmdMs);
        line(String.format(Locale.ROOT, "Per-feature KS (BH) + RFF-MMD (32 features) on 784 features, reference and "
                + "current window 1000 (%s), median of %d: KS %.1f ms + MMD %.1f ms = %.1f ms (p90 %.1f ms).",
                source, reps, ksMs[reps / 2], mmdMs[reps / 2], ksMs[reps / 2] + mmdMs[reps / 2],
                ksMs[reps * 9 / 10] + mmdMs[reps * 9 / 10]));
        line("");
    }

    // ------------------------------------------------------------------ flights

    Path locateFlights() {
        if (flights != null) {
            return Files.isRegularFile(flights) ? flights : null;
        }
        try {
            Path dir = Files.createTempDirectory("vega-datasets");
            Process npm = new ProcessBuilder("npm", "pack", "vega-datasets@3.2.1", "--silent").directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("npm.log").toFile()).start();
            if (!npm.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
                npm.destroyForcibly();
                return null;
            }
            if (npm.exitValue() != 0) {
                return null;
            }
            Process tar = new ProcessBuilder("tar", "xzf", "vega-datasets-3.2.1.tgz", "package/data/flights-20k.json")
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("tar.log").toFile())
                    .start();
            Path file = dir.resolve("package/data/flights-20k.json");
            return tar.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && tar.exitValue() == 0
                    && Files.isRegularFile(file) ? file : null;
        } catch (IOException ex) {
            return null;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    void flightsStream() throws IOException {
        line("## US flights 2001 (vega-datasets flights-20k, no labelled drift points)");
        line("");
        Path file = locateFlights();
        if (file == null) {
            line("Skipped: flights-20k.json not found (pass --flights FILE, or have npm reach the registry).");
            return;
        }
        JsonNode root = JsonMapper.builder().build().readTree(Files.readString(file));
        DateTimeFormatter format = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm");
        record Flight(LocalDateTime time, double delay, double distance) {
        }
        List<Flight> list = new ArrayList<>();
        for (JsonNode n : root) {
            list.add(new Flight(LocalDateTime.parse(n.get("date").asString(), format), n.get("delay").asDouble(),
                    n.get("distance").asDouble()));
        }
        list.sort((a, b) -> a.time().compareTo(b.time()));
        Map<String, long[]> monthly = new TreeMap<>();
        for (Flight f : list) {
            long[] m = monthly.computeIfAbsent(f.time().toLocalDate().withDayOfMonth(1).toString(), k -> new long[2]);
            m[0]++;
            m[1] += f.delay() > 15 ? 1 : 0;
        }
        StringBuilder months = new StringBuilder();
        monthly.forEach((k, v) -> months.append(String.format(Locale.ROOT, "%s: %.1f%% late (%d flights); ",
                k.substring(0, 7), 100.0 * v[1] / v[0], v[0])));
        line(list.size() + " flights, " + list.get(0).time() + " to " + list.get(list.size() - 1).time() + ". "
                + months);
        line("");
        // late-rate stream: ADWIN on the delay>15 bit; feature stream: KS and MMD on (delay, distance)
        Adwin adwin = Adwin.withDelta(0.002);
        Cooldown adwinAlarm = new Cooldown(adwin, 1000);
        List<String> adwinAlarms = new ArrayList<>();
        double[] ax = new double[list.size()];
        double[] ay = new double[list.size()];
        for (int i = 0; i < list.size(); i++) {
            Flight f = list.get(i);
            if (adwinAlarm.update(f.delay() > 15 ? 1 : 0)) {
                adwinAlarms.add(String.format(Locale.ROOT, "%s (window mean now %.3f)", f.time(), adwin.mean()));
            }
            ax[i] = i;
            ay[i] = adwin.mean();
        }
        line("ADWIN (delta 0.002, cooldown 1000) on the late bit: " + adwinAlarms.size() + " alarms"
                + (adwinAlarms.isEmpty() ? "." : ": " + String.join(", ", adwinAlarms) + "."));
        for (String det : List.of("ks-bh", "mmd")) {
            MonitorSettings settings = windowSettings(2, det, 1000, 1000, 250, 0);
            MonitorRun run = runMonitor(settings, (t, r, x) -> {
                Flight f = list.get((int) t);
                x[0] = (float) f.delay();
                x[1] = (float) f.distance();
            }, list.size(), 1, null);
            List<String> when = new ArrayList<>();
            for (long a : run.alarms()) {
                when.add(list.get((int) a).time().toLocalDate().toString());
            }
            line(det + " on (delay, distance), windows 1000, every 250: " + run.alarms().size() + " alarms"
                    + (when.isEmpty() ? "." : " on " + String.join(", ", when) + "."));
        }
        new Plot("US flights 2001: ADWIN window mean of the late (>15 min) bit", "late rate").series("adwin mean", ax,
                ay, Color.BLUE).write(out.resolve("flights.png"));
        line("");
        line("Charts: " + String.join(", ", listPngs()) + ".");
    }

    private List<String> listPngs() throws IOException {
        try (var files = Files.list(out)) {
            return files.map(p -> p.getFileName().toString()).filter(s -> s.endsWith(".png")).sorted().toList();
        }
    }

    // ------------------------------------------------------------------ output

    private void header() {
        rows.add(new String[] {"stream", "detector", "drifts", "missed", "false alarms", "FA/100k", "delay mean",
            "delay max", "precision", "recall", "F1", "samples/s"});
    }

    private void row(String stream, String detector, Scoring.Score s, double throughput) {
        String[] r = {stream, detector, Long.toString(s.drifts), Long.toString(s.missed()),
            Long.toString(s.falseAlarms), fmt(s.falseAlarmsPer100k(), 2), fmt(s.meanDelay(), 0),
            s.detected == 0 ? "-" : Long.toString(s.maxDelay), fmt(s.precision(), 2), fmt(s.recall(), 2),
            fmt(s.f1(), 2), Double.isNaN(throughput) ? "-" : String.format(Locale.ROOT, "%,.0f", throughput)};
        rows.add(r);
        System.out.println(String.join("  ", r));
    }

    private static String fmt(double v, int digits) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    private void table() {
        line("## Detection (tolerance: 1500 samples abrupt, 2500 gradual/error, 2000 Fashion-MNIST)");
        line("");
        for (int i = 0; i < rows.size(); i++) {
            line("| " + String.join(" | ", rows.get(i)) + " |");
            if (i == 0) {
                line("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            }
        }
    }

    private void line(String s) {
        report.append(s).append('\n');
        if (!s.startsWith("| ") || rows.isEmpty()) {
            System.out.println(s);
        }
    }

}
