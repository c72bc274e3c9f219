package io.perennial.learning.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.perennial.formats.metrics.AccuracyMatrix;
import io.perennial.formats.metrics.FlipRates;
import io.perennial.formats.spec.Activation;
import io.perennial.formats.spec.MlpSpec;
import io.perennial.formats.spec.ModelFamilySpec;
import io.perennial.learning.ContinualLearner;
import io.perennial.learning.data.DomainShift;
import io.perennial.learning.data.FashionMnist;
import io.perennial.learning.data.LabeledData;
import io.perennial.learning.data.SegmentedStream;
import io.perennial.learning.data.TrainTestSplit;
import io.perennial.learning.data.UciDigits;
import io.perennial.learning.device.Devices;
import io.perennial.learning.device.ThreadSettings;
import io.perennial.learning.evaluation.Evaluator;
import io.perennial.learning.evaluation.Predictions;
import io.perennial.learning.lora.LoraOptions;
import io.perennial.learning.merge.MergeMethod;
import io.perennial.learning.merge.MergeOptions;
import io.perennial.learning.model.LayerDelta;
import io.perennial.learning.model.Network;
import io.perennial.learning.routing.RouterConfig;
import io.perennial.learning.routing.RoutingMode;
import io.perennial.learning.training.AdapterTrainer;
import io.perennial.learning.training.Distillation;
import io.perennial.learning.training.Ewc;
import io.perennial.learning.training.Trainer;
import io.perennial.learning.training.TrainingConfig;
import io.perennial.learning.training.listener.TrainingListener;
import io.perennial.learning.training.listener.TrainingSummary;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The continual-learning benchmark: replay-free baselines against Perennial's routed adapters, merges and
 * the joint-training upper bound, on a rotation sequence and a permutation sequence, plus throughput.
 *
 * <p>Run: {@code java -cp <runtime classpath> io.perennial.learning.bench.ContinualBenchmark [--quick] [--out DIR] [--threads N]}
 * (default {@code --out target/bench}, {@code --threads 2}). Uses Fashion-MNIST from
 * {@code /usr/share/datasets/fashion-mnist} (Debian {@code dataset-fashion-mnist}) and falls back to the
 * bundled UCI digits, saying so. Writes {@code results.md}, {@code results.json}, one accuracy-matrix JSON
 * and one PNG heatmap per sequence under the output directory.
 */
public final class ContinualBenchmark {

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final long SEED = 7;

    private final boolean quick;
    private final Path out;
    private final int threads;
    private final StringBuilder report = new StringBuilder();
    private final Map<String, Object> json = new LinkedHashMap<>();

    // settings
    private int trainPerSegment;
    private int probePerSegment;
    private int epochs;
    private final int batch = 128;
    private final double baseLr = 1e-3;
    private final double adapterLr = 3e-3;
    private int rank = 32;
    private double alpha = 64;
    private int adapterEpochs = -1;
    private int projectionDim = 0;
    private List<String> sequenceNames = List.of("rotation", "permutation");
    private boolean throughput = true;
    private boolean classConditional = true;
    private Path fashionMnistDir = FashionMnist.DEFAULT_DIR;
    private final double ewcLambda = 500;
    private final double lwfWeight = 1.0;
    private final double lwfTemperature = 2.0;

    private ContinualBenchmark(boolean quick, Path out, int threads) {
        this.quick = quick;
        this.out = out;
        this.threads = threads;
    }

    /**
     * Runs the benchmark.
     *
     * @param args {@code --quick}, {@code --out DIR}, {@code --threads N}
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        boolean quick = false;
        Path out = Path.of("target/bench");
        int threads = 2;
        Map<String, String> extra = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--out" -> out = Path.of(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--rank", "--alpha", "--adapter-epochs", "--projection-dim", "--sequences", "--fashion-mnist" -> extra.put(args[i], args[++i]);
                case "--no-throughput", "--plain-descriptors" -> extra.put(args[i], "true");
                case "--help", "-h" -> {
                    System.out.println("usage: ContinualBenchmark [--quick] [--out DIR] [--threads N] [--rank R] [--alpha A]"
                            + " [--adapter-epochs E] [--projection-dim K] [--sequences rotation,permutation] [--plain-descriptors] [--no-throughput] [--fashion-mnist DIR]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "' (try --help)");
            }
        }
        ContinualBenchmark b = new ContinualBenchmark(quick, out, threads);
        if (extra.containsKey("--rank")) {
            b.rank = Integer.parseInt(extra.get("--rank"));
            b.alpha = 2.0 * b.rank;
        }
        if (extra.containsKey("--alpha")) {
            b.alpha = Double.parseDouble(extra.get("--alpha"));
        }
        if (extra.containsKey("--adapter-epochs")) {
            b.adapterEpochs = Integer.parseInt(extra.get("--adapter-epochs"));
        }
        if (extra.containsKey("--projection-dim")) {
            b.projectionDim = Integer.parseInt(extra.get("--projection-dim"));
        }
        if (extra.containsKey("--sequences")) {
            b.sequenceNames = List.of(extra.get("--sequences").split(","));
        }
        b.throughput = !extra.containsKey("--no-throughput");
        b.classConditional = !extra.containsKey("--plain-descriptors");
        if (extra.containsKey("--fashion-mnist")) {
            b.fashionMnistDir = Path.of(extra.get("--fashion-mnist"));
        }
        b.run(args);
    }

    private void run(String[] args) throws Exception {
        long start = System.nanoTime();
        Files.createDirectories(out);
        ThreadSettings.configure(threads);
        Devices.select();
        trainPerSegment = quick ? 2000 : 8000;
        probePerSegment = quick ? 1000 : 2000;
        epochs = quick ? 5 : 12;
        if (adapterEpochs < 0) {
            adapterEpochs = 2 * epochs;
        }

        TrainTestSplit data;
        if (FashionMnist.isAvailable(fashionMnistDir)) {
            data = FashionMnist.load(fashionMnistDir, 60_000, 10_000);
        } else {
            line("NOTE: Fashion-MNIST not found in " + fashionMnistDir
                    + " (apt-get install -y dataset-fashion-mnist); falling back to the bundled UCI digits (8x8).");
            data = UciDigits.split(0.3, SEED);
            trainPerSegment = Math.min(trainPerSegment, data.train().size());
            probePerSegment = Math.min(probePerSegment, data.test().size());
        }
        int inputDim = data.train().featureSize();
        MlpSpec spec = new MlpSpec(inputDim, List.of(inputDim >= 784 ? 256 : 64), 10, Activation.RELU);
        String command = "ContinualBenchmark " + String.join(" ", args);
        line("# Perennial continual-learning benchmark");
        line("");
        line("- command: `" + command + "`" + (quick ? " (quick variant)" : ""));
        line("- date: " + Instant.now() + ", device: " + Devices.select() + ", intra-op threads: " + ThreadSettings.currentThreads()
                + ", java " + System.getProperty("java.version") + ", " + System.getProperty("os.arch"));
        line("- data: " + data.name() + " (" + data.train().size() + " train / " + data.test().size() + " test), per segment "
                + trainPerSegment + " training samples (disjoint draws where the pool allows) and " + probePerSegment + " probe samples");
        line("- model: mlp " + inputDim + "-" + spec.hidden() + "-10 (" + spec.parameterCount() + " parameters), Adam, batch " + batch
                + ", up to " + epochs + " epochs with early stopping (10% held out of each window, patience 3), seed " + SEED);
        line("- adapters: LoRA r=" + rank + ", alpha=" + (int) alpha + (rank <= 10 ? " on fc1 and fc2" : " on fc1") + ", lr " + adapterLr + ", up to " + adapterEpochs
                + " epochs; router: " + (classConditional ? "per-class Gaussian likelihood (class covariance share "
                        + RouterConfig.DEFAULT_CLASS_COVARIANCE_SHARE + ", fallback to the base)" : "single-Gaussian Mahalanobis")
                + " on the base's penultimate features ("
                + (projectionDim == 0 ? "full dimension" : "PCA to " + projectionDim + " dims") + ", Ledoit-Wolf shrinkage)"
                + "; full-model methods lr " + baseLr + "; EWC lambda " + ewcLambda + "; LwF weight " + lwfWeight + ", T " + lwfTemperature);
        line("");
        json.put("command", command);
        json.put("dataset", data.name());
        json.put("quick", quick);

        List<DomainShift> rotations = List.of(DomainShift.rotation(0), DomainShift.rotation(30), DomainShift.rotation(60),
                DomainShift.rotation(90), DomainShift.rotation(120));
        List<DomainShift> perms = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            perms.add(DomainShift.permutation(1000 + i));
        }
        Map<String, Object> sequences = new LinkedHashMap<>();
        if (sequenceNames.contains("rotation")) {
            sequences.put("rotation", runSequence("rotation", spec, SegmentedStream.build(data.train(), data.test(), rotations,
                    trainPerSegment, probePerSegment, SEED)));
        }
        if (sequenceNames.contains("permutation")) {
            sequences.put("permutation", runSequence("permutation", spec, SegmentedStream.build(data.train(), data.test(), perms,
                    trainPerSegment, probePerSegment, SEED + 1)));
        }
        json.put("sequences", sequences);
        if (throughput) {
            json.put("throughput", new ThroughputBenchmark(quick, threads, this::line).run(data));
        }
        double total = (System.nanoTime() - start) / 1e9;
        line("");
        line(String.format(Locale.ROOT, "Total benchmark time: %.1f s", total));
        json.put("totalSeconds", total);
        Files.writeString(out.resolve("results.md"), report.toString(), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("results.json"), JSON.writeValueAsString(json), StandardCharsets.UTF_8);
        System.out.println("Wrote " + out.resolve("results.md") + ", results.json, *-matrices.json and *-heatmap.png");
    }

    void line(String s) {
        System.out.println(s);
        System.out.flush();
        report.append(s).append('\n');
    }

    private TrainingConfig fullConfig(long seed) {
        return TrainingConfig.builder().optEpochs(epochs).optBatchSize(batch).optLearningRate(baseLr).optSeed(seed)
                .optValidationFraction(0.1).optPatience(3).build();
    }

    private Map<String, Object> runSequence(String name, ModelFamilySpec spec, SegmentedStream s) throws IOException {
        int t = s.size();
        List<LabeledData> probes = s.probes();
        List<String> segNames = s.segments().stream().map(SegmentedStream.Segment::name).toList();
        line("## Sequence: " + name + " " + segNames);
        line("");
        List<MethodResult> results = new ArrayList<>();

        try (Network base = Network.initialize(spec, SEED)) {
            TrainingSummary baseSummary = Trainer.train("base", base, LayerDelta.NONE, new ArrayList<>(base.parameters().values()),
                    s.segment(0).train(), null, null, fullConfig(SEED), TrainingListener.NONE);
            base.setTrainable(false);
            List<Predictions> basePreds = Evaluator.predictAll(base, LayerDelta.NONE, probes);
            line(String.format(Locale.ROOT, "Base trained on %s: %d steps, %.1f s, accuracy on its own probe %.1f%%.",
                    segNames.get(0), baseSummary.steps(), baseSummary.trainSeconds(), 100 * basePreds.get(0).accuracy(probes.get(0).labels())));

            results.add(fullModelSequential("naive fine-tune", base, basePreds, s, Mode.NAIVE));
            results.add(fullModelSequential("EWC", base, basePreds, s, Mode.EWC));
            results.add(fullModelSequential("LwF", base, basePreds, s, Mode.LWF));
            AdapterRun ar = adapters(base, basePreds, s);
            results.add(ar.result);
            for (MergeMethod m : MergeMethod.values()) {
                results.add(merged(ar, m, probes, s));
            }
            ar.learner.close();
        }
        results.add(joint(spec, s));

        double routedAcc = results.stream().filter(r -> r.method().startsWith("adapters")).findFirst().orElseThrow().averageAccuracy();
        line("");
        line("| method | replay-free | avg acc | BWT | forgetting | NFR / update | trainable params / update | train s | samples/s | note |");
        line("|---|---|---|---|---|---|---|---|---|---|");
        for (MethodResult r : results) {
            line(String.format(Locale.ROOT, "| %s | %s | %.2f | %s | %s | %s | %,d | %.1f | %,.0f | %s |", r.method(), r.replayFree() ? "yes" : "no",
                    100 * r.averageAccuracy(), pts(r.backwardTransfer()), pts(r.forgetting()), pct(r.meanFlipRate()),
                    r.trainableParameters(), r.trainSeconds(), r.samplesPerSecond(),
                    r.method().startsWith("merge") ? String.format(Locale.ROOT, "%+.2f pts vs routed", 100 * (r.averageAccuracy() - routedAcc)) : r.note()));
        }
        line("");
        line("(avg acc, BWT and forgetting in accuracy points; NFR = share of probe samples of earlier segments that the update turned from right to wrong.)");
        line("");

        List<String> methodNames = new ArrayList<>();
        List<double[][]> matrices = new ArrayList<>();
        List<Map<String, Object>> jm = new ArrayList<>();
        for (MethodResult r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", r.method());
            m.put("replayFree", r.replayFree());
            m.put("matrix", r.matrix() == null ? null : r.matrix().toArray());
            m.put("finalRow", r.finalRow());
            m.put("averageAccuracy", r.averageAccuracy());
            m.put("backwardTransfer", nanToNull(r.backwardTransfer()));
            m.put("forgetting", nanToNull(r.forgetting()));
            m.put("negativeFlipRatePerUpdate", r.flipRatesPerUpdate());
            m.put("trainableParameters", r.trainableParameters());
            m.put("trainSeconds", r.trainSeconds());
            m.put("samplesPerSecond", r.samplesPerSecond());
            m.put("note", r.note());
            jm.add(m);
            methodNames.add(r.method());
            if (r.matrix() != null) {
                matrices.add(r.matrix().toArray());
            } else {
                double[][] one = new double[1][];
                one[0] = r.finalRow();
                matrices.add(one);
            }
        }
        Map<String, Object> seq = new LinkedHashMap<>();
        seq.put("segments", segNames);
        seq.put("methods", jm);
        Files.writeString(out.resolve(name + "-matrices.json"), JSON.writeValueAsString(seq), StandardCharsets.UTF_8);
        Heatmaps.write(name + " sequence", segNames, methodNames, matrices, out.resolve(name + "-heatmap.png"));
        return seq;
    }

    private static Object nanToNull(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private static String pts(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%+.2f", 100 * v);
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }

    private enum Mode { NAIVE, EWC, LWF }

    private MethodResult fullModelSequential(String label, Network base, List<Predictions> basePreds, SegmentedStream s, Mode mode) {
        int t = s.size();
        List<LabeledData> probes = s.probes();
        double[][] r = new double[t][];
        r[0] = row(basePreds, probes);
        List<Double> nfr = new ArrayList<>();
        double seconds = 0;
        double samples = 0;
        List<Predictions> prev = basePreds;
        try (Network net = base.copy(); Ewc ewc = mode == Mode.EWC ? new Ewc(net, ewcLambda) : null) {
            if (ewc != null) {
                ewc.consolidate(s.segment(0).train(), 1024, 32);
            }
            for (int k = 1; k < t; k++) {
                LabeledData window = s.segment(k).train();
                TrainingConfig cfg = fullConfig(SEED + k);
                float[] teacher = null;
                if (mode == Mode.LWF) {
                    cfg = cfg.toBuilder().optDistillation(lwfWeight, lwfTemperature).build();
                    teacher = Distillation.teacherProbabilities(net, LayerDelta.NONE, window, lwfTemperature);
                }
                TrainingSummary sum = Trainer.train(label + "/" + k, net, LayerDelta.NONE, new ArrayList<>(net.parameters().values()),
                        window, teacher, ewc, cfg, TrainingListener.NONE);
                seconds += sum.trainSeconds();
                samples += sum.samplesPerSecond() * sum.trainSeconds();
                if (ewc != null) {
                    ewc.consolidate(window, 1024, 32);
                }
                List<Predictions> now = Evaluator.predictAll(net, LayerDelta.NONE, probes);
                r[k] = row(now, probes);
                nfr.add(oldSegmentFlips(probes, prev, now, k).negative());
                prev = now;
            }
        }
        return new MethodResult(label, true, AccuracyMatrix.of(r), r[t - 1], nfr, base.parameterCount(), seconds,
                samples / Math.max(1e-9, seconds), "");
    }

    /** Every linear layer whose size allows the rank (a rank above 10 leaves the 10-class head out). */
    private List<String> adapterTargets(LabeledData any) {
        List<String> out = new ArrayList<>();
        int in = any.featureSize();
        out.add("fc1");
        if (rank <= 10) {
            out.add("fc2");
        }
        return out;
    }

    private record AdapterRun(MethodResult result, ContinualLearner learner, List<String> names) {
    }

    private AdapterRun adapters(Network base, List<Predictions> basePreds, SegmentedStream s) {
        int t = s.size();
        List<LabeledData> probes = s.probes();
        double[][] r = new double[t][];
        r[0] = row(basePreds, probes);
        List<Double> nfr = new ArrayList<>();
        double seconds = 0;
        double samples = 0;
        long params = 0;
        List<String> names = new ArrayList<>();
        ContinualLearner cl = ContinualLearner.fromBase(base.copy(), s.segment(0).train(),
                new RouterConfig(projectionDim, Double.NaN, 0.99, 1.0, classConditional));
        List<Predictions> prev = basePreds;
        for (int k = 1; k < t; k++) {
            String name = s.segment(k).name();
            TrainingConfig cfg = TrainingConfig.builder().optEpochs(adapterEpochs).optBatchSize(batch).optLearningRate(adapterLr)
                    .optSeed(SEED + k).optValidationFraction(0.1).optPatience(3).build();
            AdapterTrainer.Result res = cl.trainAdapter(name, s.segment(k).train(), new LoraOptions(rank, alpha, adapterTargets(s.segment(0).train()), SEED + k), cfg,
                    TrainingListener.NONE);
            names.add(name);
            params = res.adapter().parameterCount();
            seconds += res.summary().trainSeconds();
            samples += res.summary().samplesPerSecond() * res.summary().trainSeconds();
            List<Predictions> now = cl.predictProbes(probes);
            r[k] = row(now, probes);
            nfr.add(oldSegmentFlips(probes, prev, now, k).negative());
            prev = now;
        }
        // routing accuracy: share of probe rows routed to their own segment's regime
        int ok = 0;
        int total = 0;
        for (int j = 0; j < t; j++) {
            int[] reg = cl.predict(probes.get(j), RoutingMode.HARD).regime();
            for (int v : reg) {
                ok += v == j ? 1 : 0;
            }
            total += reg.length;
        }
        double soft = 0;
        for (int j = 0; j < t; j++) {
            soft += cl.predict(probes.get(j), RoutingMode.SOFT).predictions().accuracy(probes.get(j).labels());
        }
        String note = String.format(Locale.ROOT, "routing acc %.1f%%; soft-mixture avg acc %.2f", 100.0 * ok / total, 100 * soft / t);
        MethodResult mr = new MethodResult("adapters + routing (Perennial)", true, AccuracyMatrix.of(r), r[t - 1], nfr, params, seconds,
                samples / Math.max(1e-9, seconds), note);
        return new AdapterRun(mr, cl, names);
    }

    private MethodResult merged(AdapterRun ar, MergeMethod m, List<LabeledData> probes, SegmentedStream s) {
        long t0 = System.nanoTime();
        try (Network net = ar.learner.foldAdapters(ar.names, m, MergeOptions.defaults().withSeed(SEED))) {
            double secs = (System.nanoTime() - t0) / 1e9;
            double[] row = row(Evaluator.predictAll(net, LayerDelta.NONE, probes), probes);
            return new MethodResult("merge: " + m.id(), true, null, row, List.of(), 0, secs, 0,
                    String.format(Locale.ROOT, "merged in %.2f s", secs));
        }
    }

    private MethodResult joint(ModelFamilySpec spec, SegmentedStream s) {
        List<LabeledData> probes = s.probes();
        try (Network net = Network.initialize(spec, SEED)) {
            TrainingSummary sum = Trainer.train("joint", net, LayerDelta.NONE, new ArrayList<>(net.parameters().values()),
                    s.concatenatedTrain(), null, null, fullConfig(SEED), TrainingListener.NONE);
            double[] row = row(Evaluator.predictAll(net, LayerDelta.NONE, probes), probes);
            return new MethodResult("joint (upper bound)", false, null, row, List.of(), net.parameterCount(), sum.trainSeconds(),
                    sum.samplesPerSecond(), "uses all segments' data at once");
        }
    }

    private static double[] row(List<Predictions> preds, List<LabeledData> probes) {
        double[] r = new double[probes.size()];
        for (int j = 0; j < probes.size(); j++) {
            r[j] = preds.get(j).accuracy(probes.get(j).labels());
        }
        return r;
    }

    /** Flip rates pooled over the probes of segments {@code 0..k-1}. */
    static FlipRates oldSegmentFlips(List<LabeledData> probes, List<Predictions> before, List<Predictions> after, int k) {
        double neg = 0;
        double pos = 0;
        int n = 0;
        for (int j = 0; j < k; j++) {
            FlipRates f = after.get(j).flipsAgainst(probes.get(j).labels(), before.get(j));
            neg += f.negative() * f.samples();
            pos += f.positive() * f.samples();
            n += f.samples();
        }
        return new FlipRates(neg / n, pos / n, n);
    }
}
