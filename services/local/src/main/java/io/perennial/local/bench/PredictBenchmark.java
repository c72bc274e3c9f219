package io.perennial.local.bench;

import io.perennial.contracts.Float32Base64;
import io.perennial.learning.ContinualLearner;
import io.perennial.learning.data.FashionMnist;
import io.perennial.learning.data.LabeledData;
import io.perennial.learning.routing.RoutingMode;
import io.perennial.local.Stack;
import io.perennial.local.StackConfig;
import io.perennial.local.demo.DemoData;
import io.perennial.local.demo.DemoOptions;
import io.perennial.local.demo.DemoResult;
import io.perennial.local.demo.DemoRun;
import io.perennial.local.demo.PlatformApi;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * {@code ./perennial bench predict}: latency and throughput of {@code POST /v1/streams/{s}/predict} on a model with
 * four adapters (built by running the quick demo on the all-in-one stack), against the same model's in-process
 * {@code ContinualLearner.predict} as the baseline, and under load while {@code production} is swapped back and forth
 * (every failed request is counted).
 */
public final class PredictBenchmark {

    private static final int BATCH = 32;

    private PredictBenchmark() {
    }

    /** One measured path. */
    record Result(String name, int requests, int failed, double seconds, double p50, double p99) {
        double rowsPerSecond() {
            return (requests - failed) * (double) BATCH / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
        System.setProperty("java.awt.headless", "true");
        boolean quick = Arrays.asList(args).contains("--quick");
        Path out = Path.of(BenchArgs.option(args, "--out", "target/bench"));
        int seconds = quick ? 10 : 30;
        Files.createDirectories(out);
        Path home = Files.createTempDirectory("perennial-bench-predict");
        StackConfig config = StackConfig.fromEnvironment(StackConfig.freePortsEnvironment(home));
        try (Stack stack = new Stack(config)) {
            Stack.Started started = stack.start();
            System.out.println("Stack up; building a model with 4 adapters with the quick demo (about a minute) ...");
            DemoOptions options = DemoOptions.quick("bench", home.resolve("demo"));
            DemoData data = DemoData.load(FashionMnist.DEFAULT_DIR, 4, options.streamPerRegime(),
                    options.testPerRegime(), false);
            DemoResult demo = new DemoRun(options, data, config::baseUrl, started.serviceToken(),
                    new PrintStream(OutputStream.nullOutputStream())).run();
            int production = demo.regimes().get(demo.regimes().size() - 1).version();
            PlatformApi api = new PlatformApi(config::baseUrl, started.serviceToken());
            LabeledData rows = data.regimes().get(3).test();
            List<Map<String, Object>> numbers = new ArrayList<>();
            List<Map<String, Object>> base64 = new ArrayList<>();
            for (int i = 0; i < BATCH; i++) {
                numbers.add(Map.of("features", rows.row(i)));
                base64.add(Map.of("featuresBase64", Float32Base64.encode(rows.row(i))));
            }
            Map<String, Object> jsonBody = Map.of("samples", numbers, "publish", false);
            Map<String, Object> body = Map.of("samples", base64, "publish", false);

            Result baseline;
            try (ContinualLearner model = ContinualLearner.load(home.resolve("worker-cache/bench/v" + production))) {
                baseline = inProcess(model, rows.range(0, BATCH), seconds);
            }
            Result json = http(api, jsonBody, "features as JSON numbers", 1, seconds, null);
            double[] before = serverTimer(api);
            Result single = http(api, body, "features as base64 float32", 1, seconds, null);
            double[] after = serverTimer(api);
            String server = String.format(Locale.ROOT, "%.0f requests, mean %.2f ms, longest in the last minutes %.2f ms",
                    after[0] - before[0], 1000 * (after[1] - before[1]) / Math.max(1, after[0] - before[0]),
                    1000 * after[2]);
            Result loaded = http(api, body, "base64", 4, seconds, new Swapper(api, production));
            String table = table(data.dataset(), data.featureCount(), baseline, json, single, loaded)
                    + "\nServer side of the 1-client base64 run (the worker's perennial.predict.latency timer, request parsed to answer built): "
                    + server + "\n" + training(api, home, options, data, production);
            System.out.print(table);
            Files.writeString(out.resolve("predict.md"), table);
            System.out.println("Wrote " + out.resolve("predict.md"));
        }
        System.exit(0);
    }

    /** The worker's own latency timer: requests, total and longest time (what the service adds, without the client). */
    private static double[] serverTimer(PlatformApi api) {
        double count = 0;
        double sum = 0;
        double max = 0;
        for (String line : api.get("gpu-worker", "/actuator/prometheus").raw().split("\n")) {
            if (line.startsWith("#") || !line.startsWith("perennial_predict_latency_seconds")) {
                continue;
            }
            double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            if (line.startsWith("perennial_predict_latency_seconds_count")) {
                count = value;
            } else if (line.startsWith("perennial_predict_latency_seconds_sum")) {
                sum = value;
            } else if (line.startsWith("perennial_predict_latency_seconds_max")) {
                max = value;
            }
        }
        return new double[] {count, sum, max};
    }

    /**
     * Training speed of the worker against the library, side by side on an idle stack: the worker trains one more
     * adapter on the window of the last adapter job (submitted through the trainer's API), then this process trains
     * the same adapter on a window of the same size with the same settings.
     */
    private static String training(PlatformApi api, Path home, DemoOptions options, DemoData data, int production)
            throws Exception {
        JsonNode last = null;
        for (JsonNode job : api.get("trainer-service", "/v1/jobs?stream=bench&limit=50").require("jobs").body()) {
            if (job.path("kind").asString().equals("TRAIN_ADAPTER") && job.path("state").asString().equals("SUCCEEDED")
                    && (last == null || job.path("createdAt").asString().compareTo(last.path("createdAt").asString()) > 0)) {
                last = job;
            }
        }
        if (last == null) {
            return "\nTraining: no adapter job to repeat.\n";
        }
        JsonNode submitted = api.post("trainer-service", "/v1/jobs", Map.of("stream", "bench", "kind", "TRAIN_ADAPTER",
                "fromOffsets", last.path("fromOffsets"), "toOffsets", last.path("toOffsets"))).require("submit a job")
                .body();
        String id = submitted.path("id").asString();
        long deadline = System.nanoTime() + 180_000_000_000L;
        JsonNode job = submitted;
        while (!job.path("state").asString().equals("SUCCEEDED")) {
            if (System.nanoTime() > deadline || job.path("state").asString().equals("FAILED")) {
                return "\nTraining: the worker's job did not succeed: " + job.path("message").asString() + "\n";
            }
            Thread.sleep(500);
            job = api.get("trainer-service", "/v1/jobs/" + id).require("job").body();
        }
        JsonNode metrics = api.get("registry-service", "/v1/models/bench/versions/" + job.path("version").asInt())
                .require("version").body().path("metrics");
        double worker = metrics.path("trainSamplesPerSecond").asDouble();
        int epochs = job.path("parameters").path("epochs").asInt();
        int samples = (int) Math.round(worker * metrics.path("trainSeconds").asDouble() / Math.max(1, epochs));
        LabeledData window = data.regimes().get(3).stream().range(0, Math.min(data.regimes().get(3).stream().size(),
                Math.max(1, (int) Math.round(samples / 0.9))));
        io.perennial.learning.training.TrainingConfig cfg = io.perennial.learning.training.TrainingConfig.builder()
                .optEpochs(epochs).optBatchSize(64).optLearningRate(3e-3).optSeed(42).build();
        double library;
        try (ContinualLearner model = ContinualLearner.load(home.resolve("worker-cache/bench/v" + production))) {
            library = model.trainAdapter("bench-extra", window, new io.perennial.learning.lora.LoraOptions(8, 16,
                    List.of(), 42), cfg, io.perennial.learning.training.listener.TrainingListener.NONE).summary()
                    .samplesPerSecond();
        }
        return String.format(Locale.ROOT, "%nTraining an adapter (%d-sample window, %d epochs, rank 8), idle stack:%n%n"
                + "| path | samples/s | ratio |%n|---|---|---|%n"
                + "| ContinualLearner.trainAdapter in this process (baseline) | %.0f | 1.00× |%n"
                + "| gpu-worker job on the same offsets, submitted through the trainer | %.0f | %.2f× |%n",
                window.size(), epochs, library, worker, worker / library);
    }

    private static Result inProcess(ContinualLearner model, LabeledData batch, int seconds) {
        for (int i = 0; i < 50; i++) {
            model.predict(batch, RoutingMode.HARD);
        }
        List<Double> latencies = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            long t = System.nanoTime();
            model.predict(batch, RoutingMode.HARD);
            latencies.add((System.nanoTime() - t) / 1e6);
        }
        return result("in-process ContinualLearner.predict (baseline)", latencies, 0, start);
    }

    /** Calls predict from {@code clients} threads; a swapper, when given, moves production back and forth. */
    private static Result http(PlatformApi api, Map<String, Object> body, String encoding, int clients, int seconds,
            Swapper swapper) throws Exception {
        for (int i = 0; i < 50; i++) {
            api.post("gpu-worker", "/v1/streams/bench/predict", body).require("warm-up predict");
        }
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failed = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            futures.add(pool.submit(() -> {
                while (running.get()) {
                    long t = System.nanoTime();
                    PlatformApi.Answer a = api.post("gpu-worker", "/v1/streams/bench/predict", body);
                    if (a.ok()) {
                        latencies.add((System.nanoTime() - t) / 1e6);
                    } else {
                        failed.incrementAndGet();
                    }
                }
            }));
        }
        long end = start + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            Thread.sleep(Math.min(2_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            if (swapper != null && System.nanoTime() < end - 1_000_000_000L) {
                swapper.swap();
            }
        }
        running.set(false);
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        String name = "REST predict, " + encoding + ", " + clients + (clients == 1 ? " client" : " clients")
                + (swapper == null ? "" : ", " + swapper.swaps + " hot swaps of production");
        return result(name, new ArrayList<>(latencies), failed.get(), start);
    }

    /** Rolls production back to the previous version and promotes the newest again, alternately. */
    private static final class Swapper {
        private final PlatformApi api;
        private final int newest;
        private boolean rolledBack;
        int swaps;

        Swapper(PlatformApi api, int newest) {
            this.api = api;
            this.newest = newest;
        }

        void swap() {
            PlatformApi.Answer a = rolledBack
                    ? api.post("registry-service", "/v1/models/bench/versions/" + newest + "/promote",
                            Map.of("reason", "benchmark hot swap"))
                    : api.post("registry-service", "/v1/models/bench/rollback", Map.of("reason", "benchmark hot swap"));
            if (a.ok()) {
                rolledBack = !rolledBack;
                swaps++;
            }
        }
    }

    private static Result result(String name, List<Double> latencies, int failed, long start) {
        double seconds = (System.nanoTime() - start) / 1e9;
        Collections.sort(latencies);
        return new Result(name, latencies.size() + failed, failed, seconds, percentile(latencies, 0.50),
                percentile(latencies, 0.99));
    }

    private static double percentile(List<Double> sorted, double q) {
        return sorted.isEmpty() ? Double.NaN : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    private static String table(String dataset, int features, Result baseline, Result... rest) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%nPredict: batches of %d rows of %s (%d features), a base with 4 LoRA "
                + "adapters and hard routing; CPU, %d cores%n%n", BATCH, dataset, features,
                Runtime.getRuntime().availableProcessors()));
        b.append("| path | requests | failed | rows/s | p50 ms | p99 ms | p50 / baseline p50 |\n");
        b.append("|---|---|---|---|---|---|---|\n");
        for (Result r : prepend(baseline, rest)) {
            b.append(String.format(Locale.ROOT, "| %s | %d | %d | %.0f | %.2f | %.2f | %.2f× |%n", r.name(),
                    r.requests(), r.failed(), r.rowsPerSecond(), r.p50(), r.p99(), r.p50() / baseline.p50()));
        }
        return b.toString();
    }

    private static List<Result> prepend(Result first, Result... rest) {
        List<Result> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(rest));
        return all;
    }
}
