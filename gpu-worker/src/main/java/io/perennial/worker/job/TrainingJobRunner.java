package io.perennial.worker.job;

import io.perennial.contracts.Topics;
import io.perennial.contracts.events.JobEvents.JobKind;
import io.perennial.contracts.events.JobEvents.JobRequested;
import io.perennial.formats.metrics.FlipRates;
import io.perennial.formats.spec.ModelFamilySpec;
import io.perennial.formats.spec.SpecJson;
import io.perennial.learning.ContinualLearner;
import io.perennial.learning.data.LabeledData;
import io.perennial.learning.evaluation.Predictions;
import io.perennial.learning.evaluation.ProbeReport;
import io.perennial.learning.lora.LoraAdapter;
import io.perennial.learning.lora.LoraOptions;
import io.perennial.learning.merge.MergeMethod;
import io.perennial.learning.merge.MergeOptions;
import io.perennial.learning.routing.RouterConfig;
import io.perennial.learning.routing.RoutingMode;
import io.perennial.learning.training.TrainingConfig;
import io.perennial.learning.training.listener.StepProgress;
import io.perennial.learning.training.listener.TrainingCancelledException;
import io.perennial.learning.training.listener.TrainingListener;
import io.perennial.learning.training.listener.TrainingStart;
import io.perennial.learning.training.listener.TrainingSummary;
import io.perennial.worker.LocalFiles;
import io.perennial.worker.WorkerProperties;
import io.perennial.worker.registry.RegistryGateway;
import io.perennial.worker.registry.VersionCache;
import io.perennial.worker.registry.VersionFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs one training job from its message to a registered, evaluated version.
 *
 * <ol>
 *   <li>If the registry already holds a version made by this job (a redelivered message), that version is the
 *   result: a job never registers two versions.</li>
 *   <li>Reads exactly the job's offset window from the samples topic (nothing else: replay-free by construction) and
 *   holds out every {@code probeEvery}-th sample as the segment's probe; earlier segments' probes are read the same
 *   way from their windows (evaluation only, never trained on).</li>
 *   <li>Trains the base on the window, or an adapter on top of the serving version, streaming progress.</li>
 *   <li>Evaluates on every probe, against the serving version's predictions (flip rates), uploads every file,
 *   registers the version and attaches the report. Registry calls are retried while it is unavailable.</li>
 * </ol>
 */
@Component
public class TrainingJobRunner {

    private static final Logger log = LoggerFactory.getLogger(TrainingJobRunner.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };
    private static final TypeReference<List<Map<String, Object>>> LIST = new TypeReference<>() { };

    private final TrainingWindowReader windows;
    private final RegistryGateway registry;
    private final VersionCache versions;
    private final JobReporter reporter;
    private final WorkerProperties properties;

    public TrainingJobRunner(TrainingWindowReader windows, RegistryGateway registry, VersionCache versions,
            JobReporter reporter, WorkerProperties properties) {
        this.windows = windows;
        this.registry = registry;
        this.versions = versions;
        this.reporter = reporter;
        this.properties = properties;
    }

    /** A probe: the held-out samples of one segment. */
    private record Probe(String segment, LabeledData data) {
    }

    /**
     * Runs the job.
     *
     * @param cancelled polled during the run; true abandons it with {@link JobCancelledException}
     * @return the registered version
     * @throws JobFailedException when it cannot succeed
     */
    public int run(JobRequested job, BooleanSupplier cancelled) {
        JobParameters params;
        try {
            params = JobParameters.of(job);
        } catch (RuntimeException ex) {
            throw new JobFailedException("malformed job: " + ex.getMessage(), false, ex);
        }
        if (job.kind() == JobKind.EVALUATE) {
            throw new JobFailedException(job.kind() + " jobs are not supported by this worker", false, null);
        }
        if (job.kind() == JobKind.MERGE && params.sources().isEmpty()) {
            throw new JobFailedException("malformed job: a merge names its source regimes in 'sources'", false, null);
        }
        String model = job.stream();
        RegistryRetry retry = new RegistryRetry(properties.getRegistryRetryTimeout(), cancelled);
        Optional<JsonNode> done = retry.call("look up versions of job " + job.jobId(),
                () -> registry.versionOfJob(model, job.jobId()));
        if (done.isPresent()) {
            int version = done.get().path("version").asInt();
            log.info("Job {} already registered version {} of {}; not training again", job.jobId(), version, model);
            return version;
        }
        reporter.started(job);
        ModelFamilySpec family = family(params);
        TrainingWindow.Split split;
        List<Probe> probes = new ArrayList<>();
        try {
            for (JobParameters.Probe earlier : params.probes()) {
                readProbe(params, earlier).ifPresent(probes::add);
            }
            split = job.kind() == JobKind.MERGE ? null
                    : windows.read(params.stream(), job.fromOffsets(), job.toOffsets()).split(params.probeEvery());
        } catch (DataAgedOutException ex) {
            throw new JobFailedException(ex.getMessage(), false, ex);
        } catch (IllegalArgumentException ex) {
            throw new JobFailedException("cannot read the training window: " + ex.getMessage(), false, ex);
        }
        if (split != null && (split.train().isEmpty() || split.probe().isEmpty())) {
            throw new JobFailedException("window too small: " + split.train().size() + " training and "
                    + split.probe().size() + " probe samples", false, null);
        }
        if (split != null) {
            probes.add(new Probe(params.segment(), split.probe()));
        }
        if (probes.isEmpty()) {
            throw new JobFailedException("no probe to evaluate on: every segment aged out", false, null);
        }
        List<LabeledData> probeData = probes.stream().map(Probe::data).toList();
        ProgressListener listener = new ProgressListener(job, cancelled);
        TrainingConfig cfg = TrainingConfig.builder().optEpochs(params.epochs()).optBatchSize(params.batchSize())
                .optLearningRate(params.learningRate()).optSeed(params.seed())
                .optValidationFraction(params.validationFraction()).build();

        Integer parent = null;
        Integer serving = null;
        List<Predictions> servingPredictions = null;
        Map<String, String> mergedFrom = Map.of();
        ContinualLearner learner;
        if (job.kind() == JobKind.MERGE) {
            serving = retry.call("find the serving version", () -> registry.production(model))
                    .orElseThrow(() -> new JobFailedException("model " + model + " has no production version to merge",
                            false, null));
            parent = serving;
            int from = parent;
            learner = retry.call("download version " + from, () -> versions.load(model, from));
            try {
                servingPredictions = learner.predictProbes(probeData);
                Map<String, String> before = learner.regimeAdapterNames();
                mergedFrom = new LinkedHashMap<>();
                for (String regime : params.sources()) {
                    mergedFrom.put(regime, before.get(regime));
                }
                reporter.phase(job, "merging " + params.sources() + " with " + params.method());
                learner.mergeRegimes(params.segment(), params.sources(), MergeMethod.parse(params.method()),
                        new MergeOptions(0, params.density(), MergeOptions.defaults().dropRate(), params.seed(),
                                MergeOptions.defaults().breadcrumbsTop(), MergeOptions.defaults().breadcrumbsBottom()), params.rank(),
                        params.alpha());
            } catch (IllegalArgumentException ex) {
                learner.close();
                throw new JobFailedException("cannot merge " + params.sources() + ": " + ex.getMessage(), false, ex);
            } catch (RuntimeException ex) {
                learner.close();
                throw ex;
            }
        } else if (job.kind() == JobKind.TRAIN_BASE) {
            learner = train(() -> ContinualLearner.trainBase(family, split.train(), cfg, listener, RouterConfig.defaults()));
        } else {
            serving = retry.call("find the serving version", () -> registry.production(model)).orElse(null);
            parent = serving != null ? serving : retry.call("find the base version",
                    () -> registry.newest(model, "base")).map(v -> v.path("version").asInt())
                    .orElseThrow(() -> new JobFailedException("model " + model + " has no base version", false, null));
            int from = parent;
            learner = retry.call("download version " + from, () -> versions.load(model, from));
            try {
                if (serving != null) {
                    servingPredictions = learner.predictProbes(probeData);
                }
                LoraOptions options = new LoraOptions(params.rank(), params.alpha(), List.of(), params.seed());
                ContinualLearner l = learner;
                train(() -> l.trainAdapter(params.segment(), split.train(), options, cfg, listener));
            } catch (RuntimeException ex) {
                learner.close();
                throw ex;
            }
        }
        try (ContinualLearner candidate = learner) {
            if (cancelled.getAsBoolean()) {
                throw new JobCancelledException("stopped before evaluation");
            }
            reporter.phase(job, "evaluating");
            ProbeReport report = candidate.evaluate(probeData, servingPredictions);
            double latencyMs = latencyMs(candidate, probes.get(probes.size() - 1).data());
            Path dir = Files.createTempDirectory("perennial-job-");
            try {
                candidate.save(dir);
                Map<String, Object> version = versionRequest(job, params, parent, candidate, dir, retry, listener,
                        mergedFrom);
                if (cancelled.getAsBoolean()) {
                    // Uploaded files without a version are left to the registry's artifact collection.
                    throw new JobCancelledException("stopped before registration");
                }
                int number = retry.call("register the version", () -> registry.register(model, version));
                Map<String, Object> evaluation = evaluation(probes, report, serving, latencyMs, candidate, family);
                retry.call("attach the evaluation", () -> {
                    registry.evaluate(model, number, evaluation);
                    return null;
                });
                log.info("Job {} registered {} v{} (segment {}, accuracy row {})", job.jobId(), model, number,
                        params.segment(), report.accuracies());
                return number;
            } finally {
                try {
                    LocalFiles.deleteTree(dir);
                } catch (IOException ex) {
                    log.warn("Could not delete {}: {}", dir, ex.getMessage());
                }
            }
        } catch (IOException ex) {
            throw new JobFailedException("cannot write the trained model: " + ex.getMessage(), true, ex);
        }
    }

    private <T> T train(java.util.function.Supplier<T> training) {
        try {
            return training.get();
        } catch (TrainingCancelledException ex) {
            throw new JobCancelledException(ex.getMessage());
        }
    }

    private Optional<Probe> readProbe(JobParameters params, JobParameters.Probe earlier) {
        try {
            LabeledData probe = windows.read(params.stream(), earlier.fromOffsets(), earlier.toOffsets())
                    .split(params.probeEvery()).probe();
            return probe.isEmpty() ? Optional.empty() : Optional.of(new Probe(earlier.segment(), probe));
        } catch (DataAgedOutException ex) {
            log.warn("Probe of segment {} skipped: {}", earlier.segment(), ex.getMessage());
            return Optional.empty();
        }
    }

    private static ModelFamilySpec family(JobParameters params) {
        try {
            return SpecJson.modelSpecFromJson(JSON.writeValueAsString(params.stream().modelFamily()));
        } catch (RuntimeException ex) {
            throw new JobFailedException("stream " + params.stream().name() + " has an invalid model family: "
                    + ex.getMessage(), false, ex);
        }
    }

    private Map<String, Object> versionRequest(JobRequested job, JobParameters params, Integer parent,
            ContinualLearner candidate, Path dir, RegistryRetry retry, ProgressListener listener,
            Map<String, String> mergedFrom) throws IOException {
        String model = job.stream();
        List<Map<String, Object>> artifacts = VersionFiles.uploadAll(dir,
                (name, kind, file) -> retry.call("upload " + name, () -> registry.upload(model, kind, file)));
        List<Map<String, Object>> adapters = new ArrayList<>();
        Map<String, Object> segments = new LinkedHashMap<>();
        if (parent != null) {
            JsonNode p = retry.call("read version " + parent, () -> registry.version(model, parent));
            adapters.addAll(JSON.convertValue(p.path("adapters"), LIST));
            Map<String, Object> parentSegments = JSON.convertValue(p.path("router").path("segments"), MAP);
            if (parentSegments != null) {
                segments.putAll(parentSegments);
            }
        }
        if (job.kind() != JobKind.MERGE) {
            segments.put(params.segment(), segment(job));
        }
        if (job.kind() == JobKind.TRAIN_ADAPTER) {
            LoraAdapter adapter = candidate.adapters().get(params.segment());
            adapters.add(Map.of("name", params.segment(), "rank", adapter.config().r(), "alpha",
                    adapter.config().loraAlpha(), "targetModules", adapter.targets(), "segment", segment(job)));
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        TrainingSummary summary = listener.summary;
        if (summary != null) {
            metrics.put("trainSeconds", summary.trainSeconds());
            metrics.put("trainSamplesPerSecond", summary.samplesPerSecond());
            metrics.put("finalTrainLoss", summary.finalTrainLoss());
            metrics.put("trainableParameters", (double) summary.trainableParameters());
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("kind", switch (job.kind()) {
            case TRAIN_BASE -> "base";
            case MERGE -> "merge";
            default -> "adapter";
        });
        if (job.kind() == JobKind.MERGE) {
            // The version lists the adapters it still holds as trained; the merged one is in the recipe and router.
            adapters.removeIf(a -> mergedFrom.containsValue(String.valueOf(a.get("name"))));
            List<Map<String, Object>> sources = new ArrayList<>();
            new java.util.LinkedHashSet<>(mergedFrom.values()).forEach(a -> sources.add(Map.of("version", parent,
                    "adapter", a)));
            v.put("merge", Map.of("method", params.method(), "density", params.density(), "seed", params.seed(),
                    "sources", sources));
        }
        if (parent != null) {
            v.put("parentVersion", parent);
        }
        v.put("jobId", job.jobId());
        v.put("adapters", adapters);
        v.put("router", VersionFiles.router(candidate, segments));
        v.put("metrics", metrics);
        v.put("artifacts", artifacts);
        v.put("description", switch (job.kind()) {
            case TRAIN_BASE -> "base model trained by " + reporter.worker() + " on offsets " + job.fromOffsets() + ".."
                    + job.toOffsets();
            case MERGE -> "adapters of " + params.sources() + " merged (" + params.method() + ") into "
                    + params.segment() + " by " + reporter.worker();
            default -> "adapter " + params.segment() + " trained by " + reporter.worker() + " on offsets "
                    + job.fromOffsets() + ".." + job.toOffsets();
        });
        return v;
    }

    private static Map<String, Object> segment(JobRequested job) {
        List<Map<String, Object>> partitions = new ArrayList<>();
        job.fromOffsets().keySet().stream().sorted().forEach(p -> partitions.add(Map.of("partition", p,
                "fromOffset", job.fromOffsets().get(p), "toOffset", job.toOffsets().get(p))));
        return Map.of("topic", Topics.samples(job.stream()), "partitions", partitions);
    }

    private static Map<String, Object> evaluation(List<Probe> probes, ProbeReport report, Integer serving,
            double latencyMs, ContinualLearner candidate, ModelFamilySpec family) {
        List<Map<String, Object>> segments = new ArrayList<>();
        for (int i = 0; i < probes.size(); i++) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("segment", probes.get(i).segment());
            s.put("accuracy", report.accuracies().get(i));
            s.put("calibrationError", clamp01(report.expectedCalibrationErrors().get(i)));
            s.put("samples", probes.get(i).data().size());
            if (!report.flips().isEmpty()) {
                FlipRates f = report.flips().get(i);
                s.put("negativeFlipRate", f.negative());
                s.put("positiveFlipRate", f.positive());
            }
            segments.add(s);
        }
        Map<String, Object> e = new LinkedHashMap<>();
        if (serving != null) {
            e.put("servingVersion", serving);
        }
        e.put("segments", segments);
        if (report.overallFlips() != null) {
            FlipRates f = report.overallFlips();
            e.put("flips", Map.of("negative", f.negative(), "positive", f.positive(), "samples", f.samples()));
        }
        e.put("latencyMs", latencyMs);
        long params = family.parameterCount();
        for (LoraAdapter a : candidate.adapters().values()) {
            params += a.parameterCount();
        }
        e.put("parameterCount", params);
        return e;
    }

    private static double clamp01(double v) {
        return Double.isFinite(v) ? Math.max(0, Math.min(1, v)) : 0;
    }

    /** Mean wall time of routed prediction of a batch of 32, after a warm-up. */
    private static double latencyMs(ContinualLearner model, LabeledData probe) {
        LabeledData batch = probe.range(0, Math.min(32, probe.size()));
        model.predict(batch, RoutingMode.HARD);
        int runs = 10;
        long start = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            model.predict(batch, RoutingMode.HARD);
        }
        return (System.nanoTime() - start) / 1e6 / runs;
    }

    /** Streams training progress as job reports, throttled, and stops training when the job is abandoned. */
    private final class ProgressListener implements TrainingListener {
        private final JobRequested job;
        private final BooleanSupplier cancelled;
        private Long totalSteps;
        private long lastReport;
        private TrainingSummary summary;

        ProgressListener(JobRequested job, BooleanSupplier cancelled) {
            this.job = job;
            this.cancelled = cancelled;
        }

        @Override
        public void onTrainingStart(TrainingStart start) {
            long perEpoch = Math.max(1, (start.trainSamples() + start.batchSize() - 1) / start.batchSize());
            totalSteps = perEpoch * start.epochs();
        }

        @Override
        public void onStep(StepProgress progress) {
            if (cancelled.getAsBoolean()) {
                throw new TrainingCancelledException("worker stopping");
            }
            long now = System.nanoTime();
            if (now - lastReport > 250_000_000L) {
                lastReport = now;
                reporter.progress(job, progress.step(), totalSteps, progress.loss(), progress.samplesPerSecond());
            }
        }

        @Override
        public void onTrainingEnd(TrainingSummary s) {
            summary = s;
        }
    }
}
