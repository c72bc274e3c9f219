package io.perennial.local.demo;

import io.perennial.client.PerennialClient;
import io.perennial.client.SampleInput;
import io.perennial.client.SendReport;
import io.perennial.contracts.Float32Base64;
import io.perennial.learning.data.LabeledData;
import io.perennial.local.demo.DemoResult.Breakdown;
import io.perennial.local.demo.DemoResult.Event;
import io.perennial.local.demo.DemoResult.Point;
import io.perennial.local.demo.DemoResult.RegimeResult;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * Replays the demo's drifting stream through the REST ingest with the Java client, paced, and watches the loop:
 * drift alarms (drift-service), jobs (trainer-service), promotions (registry-service). Each regime is held until the
 * platform promoted an adapter for it (or a timeout), then streamed a little longer to measure the adapted model.
 */
public final class DemoRun {

    /**
     * Version kinds that answer no alarm: archives and merges make room in the active set, refinements improve the
     * regime the stream was already in.
     */
    private static final Set<String> UPKEEP = Set.of("archive", "merge", "refine");

    /** Gate: largest accuracy drop allowed on any older segment's probe. */
    public static final double GATE_MAX_FORGETTING = 0.05;

    /** Gate: largest share of probe samples the serving version got right and the candidate gets wrong. */
    public static final double GATE_MAX_NFR = 0.05;

    private final DemoOptions options;
    private final DemoData data;
    private final PlatformApi api;
    private final Function<String, String> baseUrl;
    private final String token;
    private final PrintStream out;
    private final LiveView view;

    private final List<Point> points = new CopyOnWriteArrayList<>();
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final Map<String, JsonNode> finalJobs = new HashMap<>();
    private final List<Double> regimeStarts = new ArrayList<>();
    private long startNanos;
    private Instant startInstant;
    private volatile Integer production;
    private volatile Integer baseVersion;
    private volatile int currentRegime;
    private volatile long sent;

    public DemoRun(DemoOptions options, DemoData data, Function<String, String> baseUrl, String token, PrintStream out) {
        this.options = options;
        this.data = data;
        this.baseUrl = baseUrl;
        this.token = token;
        this.api = new PlatformApi(baseUrl, token);
        this.out = out;
        this.view = new LiveView(out);
    }

    private double now() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private double at(Instant instant) {
        return Duration.between(startInstant, instant).toMillis() / 1000.0;
    }

    /** Creates the stream, sets its drift detection, policy and gate, runs the scenario; returns the measurements. */
    public DemoResult run() throws InterruptedException {
        setUp();
        return stream();
    }

    /**
     * Runs the scenario on a stream an earlier run created (for example before a restart), with the detection,
     * policy and gate it has; returns the measurements.
     */
    public DemoResult resume() throws InterruptedException {
        awaitOk("trainer-service", "/v1/policies/" + options.stream());
        return stream();
    }

    private DemoResult stream() throws InterruptedException {
        startNanos = System.nanoTime();
        startInstant = Instant.now();
        Watcher watcher = new Watcher();
        watcher.start();
        long total = data.regimes().stream().mapToLong(DemoData.Regime::quota).sum();
        PerennialClient client = PerennialClient.builder(URI.create(baseUrl.apply("ingest-service")))
                .apiKey(token).batchSize(50).build();
        try {
            for (int r = 0; r < data.regimes().size(); r++) {
                currentRegime = r;
                regimeStarts.add(now());
                DemoData.Regime regime = data.regimes().get(r);
                view.event(String.format("▶ regime %d/%d: %s (%d samples%s)", r + 1, data.regimes().size(),
                        regime.name(), regime.quota(), regime.expectsAdaptation() ? ", then until adapted" : ""));
                streamRegime(client, r, total);
            }
        } finally {
            watcher.halt();
        }
        measure();
        view.done();
        return result();
    }

    private void setUp() throws InterruptedException {
        Map<String, Object> policy = PlatformApi.map("baseWindow", options.baseWindow(), "minSamplesAfterDrift",
                options.minSamplesAfterDrift(), "probeEvery", 5, "baseEpochs", options.baseEpochs(), "adapterEpochs",
                options.adapterEpochs(), "maxAdapters", options.maxAdapters(), "autoPromote", true);
        api.post("ingest-service", "/v1/streams", PlatformApi.map("name", options.stream(), "inputShape",
                List.of(data.featureCount()), "labels", data.labels(), "labelRequired", true, "partitions", 1,
                "policy", policy)).require("creating stream " + options.stream());
        out.println("Stream '" + options.stream() + "' created: " + data.featureCount() + " features, "
                + data.labels().size() + " classes; data: " + data.dataset());
        awaitOk("drift-service", "/v1/drift/streams/" + options.stream() + "/config");
        Map<String, Object> drift = api.json().convertValue(api.get("drift-service", "/v1/drift/streams/"
                + options.stream() + "/config").require("reading the drift configuration").body(),
                new tools.jackson.core.type.TypeReference<Map<String, Object>>() { });
        drift.putAll(PlatformApi.map("referenceSize", options.driftReference(), "windowSize", options.driftWindow(),
                "evaluateEvery", options.driftEvery(), "cooldown", options.driftWindow() * 2, "detectors",
                List.of("ks", "mmd"), "minSamples", Math.min(100, options.driftWindow())));
        api.put("drift-service", "/v1/drift/streams/" + options.stream() + "/config", drift)
                .require("configuring drift detection");
        awaitOk("trainer-service", "/v1/policies/" + options.stream());
        awaitOk("registry-service", "/v1/models/" + options.stream());
        // The gate every candidate must pass before it serves: keep what the model knew.
        api.put("registry-service", "/v1/models/" + options.stream() + "/gate", PlatformApi.map(
                "maxForgetting", GATE_MAX_FORGETTING, "maxNegativeFlipRate", GATE_MAX_NFR))
                .require("setting the promotion gate");
        out.println("Drift detection: KS + MMD, reference " + options.driftReference() + ", window "
                + options.driftWindow() + ", every " + options.driftEvery() + " samples. Policy: base after "
                + options.baseWindow() + " samples, adapter on " + options.minSamplesAfterDrift()
                + " samples after a drift, auto-promotion through the registry's gate (forgetting <= "
                + GATE_MAX_FORGETTING + ", negative flip rate <= " + GATE_MAX_NFR + ").");
    }

    private void awaitOk(String service, String path) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!api.get(service, path).ok()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(service + " did not learn about stream " + options.stream()
                        + " within 60 s (" + path + ")");
            }
            Thread.sleep(200);
        }
    }

    private void streamRegime(PerennialClient client, int r, long total)
            throws InterruptedException {
        DemoData.Regime stretch = data.regimes().get(r);
        LabeledData regime = stretch.stream();
        int batch = 50;
        long regimeStartNanos = System.nanoTime();
        int index = 0;
        long sentInRegime = 0;
        long afterAdapted = -1;
        long sinceMeasure = 0;
        // drift-service takes a new reference window from the samples that follow a promotion: the regime must last
        // that long after its adapter is promoted, or the next regime's samples would leak into the reference.
        long after = Math.max(options.afterSamples(), options.driftReference() + 2L * options.driftEvery());
        while (true) {
            boolean adapted = r == 0 ? production != null : answer(regimeStarts.get(r), Double.MAX_VALUE) != null;
            if (adapted && afterAdapted < 0) {
                afterAdapted = 0;
            }
            boolean quotaDone = sentInRegime >= stretch.quota();
            if (quotaDone && !stretch.expectsAdaptation()) {
                return;
            }
            boolean timedOut = System.nanoTime() - regimeStartNanos > options.holdTimeout().toNanos();
            if (quotaDone && ((afterAdapted >= after) || (timedOut && !adapted))) {
                if (timedOut && !adapted) {
                    view.event("✗ regime " + data.regimes().get(r).name() + ": no adapter promoted within "
                            + options.holdTimeout().toSeconds() + " s; moving on");
                }
                return;
            }
            List<SampleInput> samples = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                int row = index++ % regime.size();
                samples.add(new SampleInput(null, regime.row(row), data.labels().get(regime.labels()[row]), null,
                        Map.of("regime", data.regimes().get(r).name())));
            }
            SendReport report = client.send(options.stream(), samples);
            if (report.accepted() != samples.size()) {
                view.event("! ingest accepted " + report.accepted() + " of " + samples.size() + ": "
                        + report.rejected());
            }
            sent += report.accepted();
            sentInRegime += report.accepted();
            sinceMeasure += report.accepted();
            if (afterAdapted >= 0) {
                afterAdapted += report.accepted();
            }
            if (sinceMeasure >= options.measureEvery()) {
                sinceMeasure = 0;
                measure();
            }
            view.progress(sent, Math.max(total, sent), data.regimes().get(r).name(), production, lastAccuracy());
            // Pace: the stream arrives at options.rate() samples per second.
            long due = regimeStartNanos + (long) (sentInRegime * 1e9 / options.rate());
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
    }

    private Double lastAccuracy() {
        for (int i = points.size() - 1; i >= 0; i--) {
            if (points.get(i).accuracy() != null) {
                return points.get(i).accuracy();
            }
        }
        return null;
    }

    /** Predicts the current regime's test slice with the serving version and with the frozen base. */
    private void measure() {
        int r = currentRegime;
        LabeledData test = data.regimes().get(r).test();
        Accuracy serving = accuracy(test, null);
        Double frozen = baseVersion == null ? null : accuracy(test, baseVersion).value;
        points.add(new Point(now(), sent, r, serving.version, serving.value, frozen));
    }

    private record Accuracy(Integer version, Double value) {
    }

    private Accuracy accuracy(LabeledData test, Integer version) {
        int correct = 0;
        Integer served = null;
        for (int from = 0; from < test.size(); from += 100) {
            int to = Math.min(test.size(), from + 100);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = from; i < to; i++) {
                rows.add(Map.of("featuresBase64", Float32Base64.encode(test.row(i))));
            }
            Map<String, Object> body = PlatformApi.map("samples", rows, "publish", false);
            if (version != null) {
                body.put("version", version);
            }
            PlatformApi.Answer a = api.post("gpu-worker", "/v1/streams/" + options.stream() + "/predict", body);
            if (!a.ok()) {
                if (a.status() != 503) { // 503: nothing promoted yet
                    view.event("! predict answered HTTP " + a.status() + ": " + a.raw());
                }
                return new Accuracy(null, null);
            }
            served = a.body().path("version").asInt();
            JsonNode predictions = a.body().path("predictions");
            for (int i = from; i < to; i++) {
                if (predictions.get(i - from).path("classIndex").asInt() == test.labels()[i]) {
                    correct++;
                }
            }
        }
        return new Accuracy(served, (double) correct / test.size());
    }

    /** Polls the services and turns what changed into events. */
    private final class Watcher extends Thread {
        private volatile boolean running = true;
        private final Set<String> alarms = new HashSet<>();
        private final Map<String, String> jobStates = new HashMap<>();

        Watcher() {
            super("demo-watcher");
            setDaemon(true);
        }

        void halt() throws InterruptedException {
            running = false;
            join(5_000);
            poll();
        }

        @Override
        public void run() {
            while (running) {
                try {
                    poll();
                    Thread.sleep(300);
                } catch (InterruptedException ex) {
                    return;
                } catch (RuntimeException ex) {
                    view.event("! watcher: " + ex.getMessage());
                }
            }
        }

        private synchronized void poll() {
            String s = options.stream();
            PlatformApi.Answer a = api.get("drift-service", "/v1/drift/streams/" + s + "/alarms?limit=50");
            if (a.ok()) {
                List<JsonNode> fresh = new ArrayList<>();
                a.body().path("items").forEach(n -> {
                    if (alarms.add(n.path("id").asString())) {
                        fresh.add(n);
                    }
                });
                for (int i = fresh.size() - 1; i >= 0; i--) {
                    JsonNode n = fresh.get(i);
                    double t = at(Instant.parse(n.path("detectedAt").asString()));
                    String text = String.format("⚠ drift alarm: %s (%s), p=%.2g, severity %s", n.path("detector")
                            .asString(), n.path("kind").asString(), n.path("pValue").asDouble(),
                            n.path("severity").asString());
                    events.add(new Event(t, "alarm", text, null));
                    view.event(text);
                }
            }
            PlatformApi.Answer j = api.get("trainer-service", "/v1/jobs?stream=" + s + "&limit=50");
            if (j.ok()) {
                for (JsonNode job : j.body()) {
                    String id = job.path("id").asString();
                    String state = job.path("state").asString();
                    String segment = job.path("segment").asString("");
                    finalJobs.put(id, job);
                    String before = jobStates.put(id, state);
                    if (!state.equals(before)) {
                        String text = String.format("⚙ job %s %s (%s, segment %s)%s", id.substring(0, 8),
                                state.toLowerCase(), job.path("kind").asString(), segment,
                                job.path("version").isNumber() ? " → version " + job.path("version").asInt()
                                        : (state.equals("FAILED") ? ": " + job.path("message").asString() : ""));
                        events.add(new Event(now(), "job", text, null));
                        view.event(text);
                    }
                    if (state.equals("RUNNING") && job.path("totalSteps").isNumber()) {
                        view.job(segment, job.path("step").asLong(), job.path("totalSteps").asLong(),
                                job.path("loss").asDouble());
                    }
                }
            }
            PlatformApi.Answer p = api.get("registry-service", "/v1/models/" + s + "/aliases/production");
            if (p.ok()) {
                int v = p.body().path("version").asInt();
                if (production == null || production != v) {
                    production = v;
                    if (baseVersion == null) {
                        baseVersion = v;
                    }
                    PlatformApi.Answer version = api.get("registry-service", "/v1/models/" + s + "/versions/" + v);
                    String kind = version.ok() ? version.body().path("kind").asString("") : "";
                    String text = "✔ version " + v + (kind.isEmpty() ? "" : " (" + kind + ")")
                            + " promoted to production";
                    events.add(new Event(now(), UPKEEP.contains(kind) ? "upkeep" : "promotion", text,
                            v));
                    view.event(text);
                }
            }
        }
    }

    private DemoResult result() {
        List<RegimeResult> regimes = new ArrayList<>();
        List<Breakdown> breakdowns = new ArrayList<>();
        for (int r = 0; r < data.regimes().size(); r++) {
            double start = regimeStarts.get(r);
            double end = r + 1 < regimeStarts.size() ? regimeStarts.get(r + 1) : Double.MAX_VALUE;
            Event alarm = first("alarm", start, end);
            Event promotion = answer(start, end);
            if (r == 0) {
                alarm = null;
            }
            double promotedAt = promotion == null ? Double.MAX_VALUE : promotion.t();
            Integer adaptedVersion = promotion == null ? null : promotion.version();
            List<Double> before = new ArrayList<>();
            List<Double> after = new ArrayList<>();
            List<Double> frozen = new ArrayList<>();
            for (Point p : points) {
                if (p.regime() != r) {
                    continue;
                }
                if (p.frozenAccuracy() != null) {
                    frozen.add(p.frozenAccuracy());
                }
                if (p.accuracy() == null) {
                    continue;
                }
                if (adaptedVersion != null && p.version() != null && p.version().equals(adaptedVersion)
                        && p.t() >= promotedAt) {
                    after.add(p.accuracy());
                } else if (r > 0) {
                    before.add(p.accuracy());
                }
            }
            regimes.add(new RegimeResult(data.regimes().get(r).name(), start, mean(before), mean(after), mean(frozen),
                    alarm == null ? null : alarm.t() - start, promotion == null ? null : promotion.t() - start,
                    adaptedVersion, attempts(start, end), r > 0 && data.regimes().get(r).expectsAdaptation()));
            if (r > 0 && promotion != null) {
                breakdowns.add(breakdown(data.regimes().get(r).name(), start, alarm, promotion));
            }
        }
        PlatformApi.Answer m = api.get("registry-service", "/v1/models/" + options.stream() + "/accuracy-matrix");
        List<Integer> versions = new ArrayList<>();
        List<String> segments = new ArrayList<>();
        List<List<Double>> matrix = new ArrayList<>();
        if (m.ok()) {
            m.body().path("versions").forEach(v -> versions.add(v.asInt()));
            m.body().path("segments").forEach(v -> segments.add(v.asString()));
            m.body().path("accuracy").forEach(row -> {
                List<Double> values = new ArrayList<>();
                row.forEach(v -> values.add(v.isNull() ? null : v.asDouble()));
                matrix.add(values);
            });
        }
        return new DemoResult(data.dataset(), data.note(), options.stream(), startInstant, now(), List.copyOf(points),
                List.copyOf(events), regimes, versions, segments, matrix, breakdowns);
    }

    /** The jobs created while a regime streamed, each with its state and what the gate said of its version. */
    private List<String> attempts(double from, double to) {
        return finalJobs.values().stream()
                .filter(j -> j.path("createdAt").isString())
                .filter(j -> {
                    double t = at(Instant.parse(j.path("createdAt").asString()));
                    return t >= from && t < to;
                })
                .sorted(java.util.Comparator.comparing(j -> j.path("createdAt").asString()))
                .map(DemoRun::describeAttempt)
                .toList();
    }

    private static String describeAttempt(JsonNode job) {
        StringBuilder line = new StringBuilder(job.path("kind").asString()).append(' ')
                .append(job.path("segment").asString("")).append(": ").append(job.path("state").asString());
        if (job.path("version").isNumber()) {
            line.append(", version ").append(job.path("version").asInt());
        }
        if (job.path("promotion").isString()) {
            line.append(", ").append(job.path("promotion").asString());
            if (job.path("promotionDetail").isString()) {
                line.append(" (").append(job.path("promotionDetail").asString()).append(')');
            }
        } else if (job.path("state").asString().equals("FAILED")) {
            line.append(" (").append(job.path("message").asString("")).append(')');
        }
        return line.toString();
    }

    private Breakdown breakdown(String regime, double start, Event alarm, Event promotion) {
        JsonNode job = finalJobs.values().stream()
                .filter(j -> j.path("version").isNumber() && j.path("version").asInt() == promotion.version())
                .findFirst().orElse(null);
        if (job == null || alarm == null) {
            return new Breakdown(regime, alarm == null ? null : alarm.t() - start, null, null, null);
        }
        double created = at(Instant.parse(job.path("createdAt").asString()));
        double finished = at(Instant.parse(job.path("finishedAt").asString()));
        return new Breakdown(regime, alarm.t() - start, created - alarm.t(), finished - created,
                promotion.t() - finished);
    }

    /**
     * The promotion that answered a stretch: the first version into production after the stretch's first alarm (for
     * the first stretch, after its start). Archives, merges and refinements answer nothing ({@link #UPKEEP}).
     */
    private Event answer(double from, double to) {
        if (from == regimeStarts.get(0)) {
            return first("promotion", from, to);
        }
        Event alarm = first("alarm", from, to);
        return alarm == null ? null : first("promotion", alarm.t(), to);
    }

    private Event first(String kind, double from, double to) {
        return events.stream().filter(e -> e.kind().equals(kind) && e.t() >= from && e.t() < to)
                .min((a, b) -> Double.compare(a.t(), b.t())).orElse(null);
    }

    private static Double mean(List<Double> values) {
        return values.isEmpty() ? null : values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }
}
