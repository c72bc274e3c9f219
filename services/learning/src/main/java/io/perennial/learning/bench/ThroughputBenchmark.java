package io.perennial.learning.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.perennial.formats.spec.Activation;
import io.perennial.formats.spec.AdapterConfig;
import io.perennial.formats.spec.LinearLayerShape;
import io.perennial.formats.spec.MlpSpec;
import io.perennial.learning.data.DomainShift;
import io.perennial.learning.data.LabeledData;
import io.perennial.learning.data.TrainTestSplit;
import io.perennial.learning.lora.LoraAdapter;
import io.perennial.learning.lora.LoraOptions;
import io.perennial.learning.model.LayerDelta;
import io.perennial.learning.model.Network;
import io.perennial.learning.routing.AdapterRouter;
import io.perennial.learning.routing.RoutedModel;
import io.perennial.learning.routing.RoutedPredictions;
import io.perennial.learning.routing.RouterConfig;
import io.perennial.learning.routing.RoutingMode;
import io.perennial.learning.training.AdapterTrainer;
import io.perennial.learning.training.Trainer;
import io.perennial.learning.training.TrainingConfig;
import io.perennial.learning.training.listener.TrainingListener;
import io.perennial.learning.training.listener.TrainingSummary;

/**
 * Throughput: training steps/s of LoRA vs full fine-tuning on the same 784-256-10 MLP (batch 128, as
 * {@code torch_lora_mlp.py}), and routed inference rows/s with 1, 4 and 16 adapters, grouped vs one pass
 * per adapter. Runs the PyTorch reference side by side when {@code /usr/bin/python3} has torch.
 */
final class ThroughputBenchmark {

    private static final int D = 784;
    private static final int H = 256;
    private static final int C = 10;
    private static final int B = 128;

    private final boolean quick;
    private final int threads;
    private final Consumer<String> line;

    ThroughputBenchmark(boolean quick, int threads, Consumer<String> line) {
        this.quick = quick;
        this.threads = threads;
        this.line = line;
    }

    Map<String, Object> run(TrainTestSplit data) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        line.accept("## Throughput");
        line.accept("");
        MlpSpec spec = new MlpSpec(D, List.of(H), C, Activation.RELU);
        SplittableRandom rnd = new SplittableRandom(3);
        float[] x = new float[B * 50 * D];
        int[] y = new int[B * 50];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble();
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = rnd.nextInt(C);
        }
        LabeledData synthetic = LabeledData.of(x, y, new int[] {D}, C);
        int steps = quick ? 150 : 400;
        TrainingConfig cfg = TrainingConfig.builder().optEpochs(1000).optBatchSize(B).optValidationFraction(0).optMaxSteps(steps)
                .optProgressEverySteps(1000).build();
        double fullSps;
        double loraSps;
        try (Network net = Network.initialize(spec, 1)) {
            // warm-up
            Trainer.train("warmup", net, LayerDelta.NONE, new ArrayList<>(net.parameters().values()), synthetic, null, null,
                    cfg.toBuilder().optMaxSteps(20).build(), TrainingListener.NONE);
            TrainingSummary full = Trainer.train("full", net, LayerDelta.NONE, new ArrayList<>(net.parameters().values()), synthetic,
                    null, null, cfg, TrainingListener.NONE);
            fullSps = full.steps() / full.trainSeconds();
            AdapterTrainer.Result lora = AdapterTrainer.train(net, "lora", synthetic, new LoraOptions(8, 16, List.of(), 1), cfg, null,
                    TrainingListener.NONE);
            loraSps = lora.summary().steps() / lora.summary().trainSeconds();
            lora.adapter().close();
        }
        line.accept(String.format(Locale.ROOT, "Training, mlp 784-256-10, batch %d, Adam, %d steps, %d intra-op thread(s):", B, steps, threads));
        line.accept("");
        line.accept("| | full fine-tune steps/s | LoRA r=8 steps/s | LoRA / full |");
        line.accept("|---|---|---|---|");
        line.accept(String.format(Locale.ROOT, "| DJL (this library) | %.0f | %.0f | %.2fx |", fullSps, loraSps, loraSps / fullSps));
        out.put("djlFullStepsPerSecond", fullSps);
        out.put("djlLoraStepsPerSecond", loraSps);
        double[] torch = runTorch();
        if (torch != null) {
            line.accept(String.format(Locale.ROOT, "| PyTorch eager (torch_lora_mlp.py %d) | %.0f | %.0f | %.2fx |", threads, torch[0], torch[1],
                    torch[1] / torch[0]));
            line.accept(String.format(Locale.ROOT, "| DJL / PyTorch | %.2f | %.2f | |", fullSps / torch[0], loraSps / torch[1]));
            out.put("torchFullStepsPerSecond", torch[0]);
            out.put("torchLoraStepsPerSecond", torch[1]);
        }
        line.accept("");
        if (torch == null) {
            line.accept("PyTorch reference skipped: /usr/bin/python3 with torch (Debian python3-torch) or torch_lora_mlp.py not found.");
            line.accept("");
        }
        out.put("inference", inference(spec, data));
        return out;
    }

    private double[] runTorch() {
        Path script = locateScript();
        if (script == null || !Files.isExecutable(Path.of("/usr/bin/python3"))) {
            return null;
        }
        try {
            Process check = new ProcessBuilder("/usr/bin/python3", "-c", "import torch").redirectErrorStream(true).start();
            check.getInputStream().readAllBytes();
            if (!check.waitFor(60, TimeUnit.SECONDS) || check.exitValue() != 0) {
                return null;
            }
            ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", script.toString(), String.valueOf(threads)).redirectErrorStream(true);
            pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
            Process p = pb.start();
            StringBuilder text = new StringBuilder();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    text.append(l).append('\n');
                }
            }
            if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
                line.accept("PyTorch reference failed: " + text);
                return null;
            }
            Matcher f = Pattern.compile("full fine-tune: ([0-9.]+)").matcher(text);
            Matcher l = Pattern.compile("lora r=8: ([0-9.]+)").matcher(text);
            if (f.find() && l.find()) {
                return new double[] {Double.parseDouble(f.group(1)), Double.parseDouble(l.group(1))};
            }
            line.accept("PyTorch reference output not understood: " + text);
            return null;
        } catch (Exception e) {
            line.accept("PyTorch reference skipped: " + e.getMessage());
            return null;
        }
    }

    private static Path locateScript() {
        String env = System.getenv("PERENNIAL_TORCH_BENCH");
        List<Path> candidates = new ArrayList<>();
        if (env != null) {
            candidates.add(Path.of(env));
        }
        // shipped with the module; found from the repository root (./perennial) or from services/learning
        candidates.add(Path.of("services/learning/bench/torch_lora_mlp.py"));
        candidates.add(Path.of("bench/torch_lora_mlp.py"));
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private Map<String, Object> inference(MlpSpec spec, TrainTestSplit data) {
        Map<String, Object> out = new LinkedHashMap<>();
        int rowsPerBatch = 2048;
        int reps = quick ? 5 : 15;
        // images for the 784-input model: Fashion-MNIST if the data is 28x28, else synthetic noise images
        LabeledData pool = data.test().featureSize() == D ? data.test().reshape(D) : null;
        line.accept(String.format(Locale.ROOT, "Routed inference, mlp 784-256-10, %d rows per call (rows spread over the adapters' regimes), "
                + "LoRA r=8 on fc1+fc2, %d timed calls after warm-up:", rowsPerBatch, reps));
        line.accept("");
        line.accept("| adapters | grouped rows/s | per-adapter passes rows/s | grouped / per-adapter | same predictions |");
        line.accept("|---|---|---|---|---|");
        try (Network base = Network.initialize(spec, 11)) {
            for (int k : new int[] {1, 4, 16}) {
                List<LoraAdapter> adapters = new ArrayList<>();
                AdapterRouter router = new AdapterRouter(H, RouterConfig.defaults());
                RoutedModel model = new RoutedModel(base, router);
                List<LabeledData> regimeData = new ArrayList<>();
                for (int g = 0; g < k; g++) {
                    LabeledData src = pool != null ? pool.range(g * 300 % Math.max(1, pool.size() - 600), g * 300 % Math.max(1, pool.size() - 600) + 600)
                            : noise(600, 100 + g);
                    LabeledData regime = DomainShift.permutation(500 + g).apply(src.reshape(1, 28, 28)).reshape(D);
                    regimeData.add(regime);
                    LoraAdapter a = randomAdapter("a" + g, base, 40 + g);
                    adapters.add(a);
                    model.addRegime("r" + g, a, regime.range(0, 300));
                }
                List<LabeledData> parts = new ArrayList<>();
                for (int g = 0; g < k; g++) {
                    parts.add(regimeData.get(g).range(300, 300 + rowsPerBatch / k));
                }
                LabeledData batch = LabeledData.concat(parts).shuffled(5);
                // warm-up
                model.predict(batch, RoutingMode.HARD);
                model.predictPerAdapter(batch);
                long t0 = System.nanoTime();
                RoutedPredictions grouped = null;
                for (int i = 0; i < reps; i++) {
                    grouped = model.predict(batch, RoutingMode.HARD);
                }
                double g = (double) reps * batch.size() / ((System.nanoTime() - t0) / 1e9);
                t0 = System.nanoTime();
                RoutedPredictions per = null;
                for (int i = 0; i < reps; i++) {
                    per = model.predictPerAdapter(batch);
                }
                double p = (double) reps * batch.size() / ((System.nanoTime() - t0) / 1e9);
                int mismatch = 0;
                for (int i = 0; i < batch.size(); i++) {
                    if (grouped.predictions().classes()[i] != per.predictions().classes()[i]) {
                        mismatch++;
                    }
                }
                line.accept(String.format(Locale.ROOT, "| %d | %,.0f | %,.0f | %.2fx | %s |", k, g, p, g / p,
                        mismatch == 0 ? "yes" : mismatch + " rows differ"));
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("groupedRowsPerSecond", g);
                row.put("perAdapterRowsPerSecond", p);
                row.put("mismatches", mismatch);
                out.put(String.valueOf(k), row);
                adapters.forEach(LoraAdapter::close);
                router.close();
            }
        }
        line.accept("");
        return out;
    }

    private static LabeledData noise(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] f = new float[n * D];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) r.nextDouble();
        }
        return LabeledData.of(f, new int[n], new int[] {D}, C);
    }

    private static LoraAdapter randomAdapter(String name, Network base, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        AdapterConfig cfg = AdapterConfig.of(8, 16, List.of("fc1", "fc2"), base.fingerprint());
        Map<String, float[]> as = new LinkedHashMap<>();
        Map<String, float[]> bs = new LinkedHashMap<>();
        for (LinearLayerShape l : base.spec().linearLayers()) {
            float[] a = new float[8 * l.in()];
            float[] b = new float[l.out() * 8];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) ((r.nextDouble() * 2 - 1) / Math.sqrt(l.in()));
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) ((r.nextDouble() * 2 - 1) * 0.05);
            }
            as.put(l.name(), a);
            bs.put(l.name(), b);
        }
        return LoraAdapter.fromWeights(name, base.spec(), cfg, as, bs);
    }
}
