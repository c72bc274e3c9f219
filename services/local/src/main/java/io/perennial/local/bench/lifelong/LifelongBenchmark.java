package io.perennial.local.bench.lifelong;

import io.perennial.formats.spec.ModelFamilySpec;
import io.perennial.formats.spec.SpecJson;
import io.perennial.learning.data.FashionMnist;
import io.perennial.learning.data.TrainTestSplit;
import io.perennial.learning.data.UciDigits;
import io.perennial.learning.training.TrainingConfig;
import io.perennial.local.Stack;
import io.perennial.local.StackConfig;
import io.perennial.local.bench.BenchArgs;
import io.perennial.local.bench.lifelong.LifelongResult.ActiveSet;
import io.perennial.local.bench.lifelong.LifelongResult.AlarmRow;
import io.perennial.local.bench.lifelong.LifelongResult.StretchRow;
import io.perennial.local.demo.DemoData;
import io.perennial.local.demo.DemoOptions;
import io.perennial.local.demo.DemoResult;
import io.perennial.local.demo.DemoRun;
import io.perennial.local.demo.PlatformApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * {@code ./perennial bench lifelong [--quick]}: a long drifting stream through the live loop (the all-in-one stack,
 * REST ingest and predict), with new covariate shifts, recurrences, label-prior shifts, gradual transitions and
 * stable stretches. Reports each alarm's decision, time to serve, accuracy before and after against the frozen base
 * and a per-regime oracle, the active set over time, gate refusals, stuck regimes and false alarms, as tables and a
 * PNG timeline per data set. Exits 0 when it ran, whatever the targets say: the report says which were met.
 */
public final class LifelongBenchmark {

    private LifelongBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        List<String> argv = Arrays.asList(args);
        boolean quick = argv.contains("--quick");
        Path out = Path.of(BenchArgs.option(args, "--out", "target/bench")).resolve("lifelong");
        Files.createDirectories(out);
        List<String> datasets = datasets(quick, argv.contains("--digits"));
        Path home = Files.createTempDirectory("perennial-bench-lifelong");
        StackConfig config = StackConfig.fromEnvironment(StackConfig.freePortsEnvironment(home));
        Stack.configureLogging(config.logDir());
        long started = System.nanoTime();
        List<LifelongResult> results = new ArrayList<>();
        try (Stack stack = new Stack(config)) {
            Stack.Started up = stack.start();
            PlatformApi api = new PlatformApi(config::baseUrl, up.serviceToken());
            for (String dataset : datasets) {
                results.add(run(dataset, quick, api, config, up.serviceToken(), home, out));
            }
        }
        LifelongReport.write(results, quick, (System.nanoTime() - started) / 1e9, out, System.out);
    }

    /** Quick: one data set (Fashion-MNIST, or the digits fixture without it); full: both. */
    private static List<String> datasets(boolean quick, boolean digitsOnly) {
        if (digitsOnly) {
            return List.of("digits");
        }
        boolean fashion = FashionMnist.isAvailable(FashionMnist.DEFAULT_DIR);
        if (quick) {
            return List.of(fashion ? "fashion" : "digits");
        }
        return fashion ? List.of("fashion", "digits") : List.of("digits");
    }

    private static LifelongResult run(String dataset, boolean quick, PlatformApi api, StackConfig config,
            String token, Path home, Path out) throws Exception {
        int length = quick ? 1800 : 3000;
        LifelongScenario scenario = quick ? LifelongScenario.quick(length) : LifelongScenario.full(length);
        String stream = "lifelong-" + dataset;
        int maxAdapters = 3;
        DemoOptions options = new DemoOptions(stream, scenario.stretches().size(), length, 300, quick ? 200 : 250,
                150, 600, Duration.ofSeconds(quick ? 120 : 240), 1000, 900, 400, 300, 100, 8, 15, maxAdapters,
                home.resolve(stream), "digits".equals(dataset));
        DemoData data = data(dataset, scenario, options);
        System.out.printf("%n== lifelong on %s: %d stretches (%d changes), %d samples per stretch%n", data.dataset(),
                scenario.stretches().size(), scenario.changes(), length);
        DemoResult run = new DemoRun(options, data, config::baseUrl, token, System.out).run();
        JsonNode spec = api.get("ingest-service", "/v1/streams/" + stream).require("reading the stream").body();
        ModelFamilySpec family = SpecJson.modelSpecFromJson(api.json().writeValueAsString(
                spec.path("spec").path("modelFamily")));
        System.out.println("Training the per-regime oracles offline ...");
        double[] oracle = Oracle.accuracies(scenario, data, family, TrainingConfig.builder()
                .optEpochs(options.baseEpochs()).optSeed(7).build());
        List<AlarmRow> alarms = alarms(api, stream, run, scenario);
        List<StretchRow> stretches = new ArrayList<>();
        for (int i = 0; i < scenario.stretches().size(); i++) {
            LifelongScenario.Stretch s = scenario.stretches().get(i);
            DemoResult.RegimeResult r = run.regimes().get(i);
            List<String> decisions = alarms.stream().filter(a -> a.stretch().equals(s.name())
                    && a.decision() != null).map(AlarmRow::decision).toList();
            long count = alarms.stream().filter(a -> a.stretch().equals(s.name())).count();
            Double toServe = r.secondsToPromotion() == null || r.secondsToAlarm() == null ? null
                    : r.secondsToPromotion() - r.secondsToAlarm();
            stretches.add(new StretchRow(s.name(), s.kind(), r.accuracyBefore(), r.accuracyAfter(),
                    r.frozenAccuracy(), oracle[i], r.version(), toServe, (int) count, decisions));
        }
        long stable = scenario.stretches().stream().filter(s -> s.kind() == LifelongScenario.Kind.STABLE)
                .mapToLong(LifelongScenario.Stretch::length).sum();
        return new LifelongResult(data.dataset(), run, stretches, alarms, activeSets(api, stream, run), maxAdapters,
                stable);
    }

    private static DemoData data(String dataset, LifelongScenario scenario, DemoOptions options) throws Exception {
        if (dataset.equals("fashion")) {
            TrainTestSplit split = FashionMnist.load(FashionMnist.DEFAULT_DIR, 30_000, 5_000);
            return LifelongData.build(scenario, "Fashion-MNIST", null, DemoData.FASHION_LABELS, split.train(),
                    split.test(), options.testPerRegime(), 7);
        }
        TrainTestSplit split = UciDigits.split(0.3, 7);
        return LifelongData.build(scenario, "UCI digits (8x8)", null,
                List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), split.train(), split.test(),
                options.testPerRegime(), 7);
    }

    /** Every alarm the run saw, in the stretch it fell in, with the decision trainer-service recorded for it. */
    private static List<AlarmRow> alarms(PlatformApi api, String stream, DemoResult run, LifelongScenario scenario) {
        JsonNode decisions = api.get("trainer-service", "/v1/decisions?stream=" + stream + "&limit=500").body();
        List<AlarmRow> rows = new ArrayList<>();
        for (DemoResult.Event e : run.events()) {
            if (!e.kind().equals("alarm")) {
                continue;
            }
            String stretch = scenario.stretches().get(stretchAt(run, e.t())).name();
            JsonNode d = decisionNear(decisions, run, e.t());
            rows.add(new AlarmRow(e.t(), stretch, e.text(), d == null ? null : d.path("decision").asString(null),
                    d == null ? null : d.path("reason").asString(null), d == null ? null : d.path("state").asString(null)));
        }
        return rows;
    }

    /** The decision recorded for the alarm raised at {@code t} (same detection time, to the second). */
    private static JsonNode decisionNear(JsonNode decisions, DemoResult run, double t) {
        if (decisions == null) {
            return null;
        }
        JsonNode items = decisions.isArray() ? decisions : decisions.path("items");
        JsonNode best = null;
        double bestGap = 1.5;
        for (JsonNode d : items) {
            if (!d.path("detectedAt").isString()) {
                continue;
            }
            double at = run.at(Instant.parse(d.path("detectedAt").asString()));
            if (Math.abs(at - t) < bestGap) {
                bestGap = Math.abs(at - t);
                best = d;
            }
        }
        return best;
    }

    private static int stretchAt(DemoResult run, double t) {
        int r = 0;
        for (int i = 0; i < run.regimes().size(); i++) {
            if (run.regimes().get(i).start() <= t) {
                r = i;
            }
        }
        return r;
    }

    /** The production version's active and archived adapters after each promotion. */
    private static List<ActiveSet> activeSets(PlatformApi api, String stream, DemoResult run) {
        List<ActiveSet> out = new ArrayList<>();
        for (DemoResult.Event e : run.events()) {
            if (!(e.kind().equals("promotion") || e.kind().equals("upkeep")) || e.version() == null) {
                continue;
            }
            JsonNode v = api.get("registry-service", "/v1/models/" + stream + "/versions/" + e.version()).body();
            if (v == null) {
                continue;
            }
            ActiveAdapters count = ActiveAdapters.of(v);
            out.add(new ActiveSet(e.t(), e.version(), v.path("kind").asString(""), count.active(), count.archived()));
        }
        return out;
    }

}
