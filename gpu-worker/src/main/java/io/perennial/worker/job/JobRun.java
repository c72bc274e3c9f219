package io.perennial.worker.job;

import io.perennial.contracts.events.JobEvents.JobRequested;
import io.perennial.contracts.events.StreamSpec;
import io.perennial.formats.spec.ModelFamilySpec;
import io.perennial.formats.spec.SpecJson;
import io.perennial.learning.ContinualLearner;
import io.perennial.learning.training.TrainingConfig;
import io.perennial.learning.training.listener.TrainingCancelledException;
import io.perennial.worker.registry.RegistryGateway;
import io.perennial.worker.registry.VersionCache;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * One job being run, and the steps every kind of job shares: reading its window and the earlier segments' probes,
 * finding and loading the serving version, training with progress reports, cancellation checks.
 */
final class JobRun {

    private static final Logger log = LoggerFactory.getLogger(JobRun.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JobRequested job;
    private final JobParameters params;
    private final BooleanSupplier cancelled;
    private final RegistryRetry retry;
    private final TrainingWindowReader windows;
    private final RegistryGateway registry;
    private final VersionCache versions;
    private final JobReporter reporter;
    private final JobProgress progress;
    private TrainingWindow window;

    JobRun(JobRequested job, JobParameters params, BooleanSupplier cancelled, RegistryRetry retry,
            TrainingWindowReader windows, RegistryGateway registry, VersionCache versions, JobReporter reporter) {
        this.job = job;
        this.params = params;
        this.cancelled = cancelled;
        this.retry = retry;
        this.windows = windows;
        this.registry = registry;
        this.versions = versions;
        this.reporter = reporter;
        this.progress = new JobProgress(job, reporter, cancelled);
    }

    JobRequested job() {
        return job;
    }

    JobParameters params() {
        return params;
    }

    /** The registry's model: the stream's name. */
    String model() {
        return job.stream();
    }

    RegistryRetry retry() {
        return retry;
    }

    RegistryGateway registry() {
        return registry;
    }

    JobProgress progress() {
        return progress;
    }

    /** Name of this worker, for version descriptions. */
    String worker() {
        return reporter.worker();
    }

    /** Reports that the job reached a named phase. */
    void phase(String message) {
        reporter.phase(job, message);
    }

    /** Abandons the job if it was cancelled or the worker stops. */
    void stopIfCancelled(String when) {
        if (cancelled.getAsBoolean()) {
            throw new JobCancelledException("stopped " + when);
        }
    }

    ModelFamilySpec family() {
        try {
            return SpecJson.modelSpecFromJson(JSON.writeValueAsString(params.stream().modelFamily()));
        } catch (RuntimeException ex) {
            throw JobFailedException.permanent("stream " + params.stream().name() + " has an invalid model family: "
                    + ex.getMessage(), ex);
        }
    }

    /** Every labelled sample of the job's window (late labels joined), read once. */
    TrainingWindow window() {
        if (window == null) {
            window = read(windows::read);
        }
        return window;
    }

    /** Every valid sample of the job's window, labelled (late labels joined) or not, with the mask of labelled rows. */
    TrainingWindow wholeWindow() {
        return read(windows::readAll);
    }

    private TrainingWindow read(WindowRead read) {
        try {
            return read.read(params.stream(), job.fromOffsets(), job.toOffsets());
        } catch (DataAgedOutException ex) {
            throw JobFailedException.permanent(ex.getMessage(), ex);
        } catch (IllegalArgumentException ex) {
            throw JobFailedException.permanent("cannot read the training window: " + ex.getMessage(), ex);
        }
    }

    @FunctionalInterface
    private interface WindowRead {
        TrainingWindow read(StreamSpec stream, Map<Integer, Long> from, Map<Integer, Long> to);
    }

    /** The window cut by the probe rule; refused when either part is empty. */
    TrainingWindow.Split split() {
        TrainingWindow.Split split = window().split(params.probeEvery());
        if (split.train().isEmpty() || split.probe().isEmpty()) {
            throw JobFailedException.permanent("window too small: " + split.train().size() + " training and "
                    + split.probe().size() + " probe samples");
        }
        return split;
    }

    /** The earlier segments' probes, oldest first; a segment whose data aged out is skipped. */
    List<SegmentProbe> earlierProbes() {
        List<SegmentProbe> probes = new ArrayList<>();
        for (JobParameters.Probe earlier : params.probes()) {
            try {
                var probe = windows.read(params.stream(), earlier.fromOffsets(), earlier.toOffsets())
                        .split(params.probeEvery()).probe();
                if (!probe.isEmpty()) {
                    probes.add(new SegmentProbe(earlier.segment(), probe));
                }
            } catch (DataAgedOutException ex) {
                log.warn("Probe of segment {} skipped: {}", earlier.segment(), ex.getMessage());
            } catch (IllegalArgumentException ex) {
                throw JobFailedException.permanent("cannot read the probe of segment " + earlier.segment() + ": "
                        + ex.getMessage(), ex);
            }
        }
        return probes;
    }

    /** The earlier segments' probes; refused when none is left to evaluate on (a job that adds no probe of its own). */
    List<SegmentProbe> requireEarlierProbes() {
        List<SegmentProbe> probes = earlierProbes();
        if (probes.isEmpty()) {
            throw JobFailedException.permanent("no probe to evaluate on: every segment aged out");
        }
        return probes;
    }

    /** The earlier segments' probes followed by the probe of the job's window, which becomes its segment. */
    List<SegmentProbe> probesWithWindow(TrainingWindow.Split split) {
        List<SegmentProbe> probes = earlierProbes();
        probes.add(new SegmentProbe(params.segment(), split.probe()));
        return probes;
    }

    /** The version production points at, if any. */
    Optional<Integer> production() {
        return retry.call("find the serving version", () -> registry.production(model()));
    }

    /** The version production points at; a job that needs one fails for good without it. */
    int requireProduction(String purpose) {
        return production().orElseThrow(() -> JobFailedException.permanent("model " + model()
                + " has no production version to " + purpose));
    }

    /** The newest base version (an adapter's parent while nothing serves yet). */
    int newestBase() {
        return retry.call("find the base version", () -> registry.newest(model(), "base"))
                .map(v -> v.path("version").asInt())
                .orElseThrow(() -> JobFailedException.permanent("model " + model() + " has no base version"));
    }

    /** Downloads (if needed) and loads a version; the caller closes it. */
    ContinualLearner load(int version) {
        return retry.call("download version " + version, () -> versions.load(model(), version));
    }

    /** The job's hyperparameters as a training configuration. */
    TrainingConfig trainingConfig() {
        TrainingConfig.Builder cfg = TrainingConfig.builder().optEpochs(params.epochs())
                .optBatchSize(params.batchSize()).optLearningRate(params.learningRate()).optSeed(params.seed())
                .optValidationFraction(params.validationFraction());
        return cfg.build();
    }

    /** Runs training; a cancellation seen by the progress listener abandons the job. */
    <T> T train(Supplier<T> training) {
        try {
            return training.get();
        } catch (TrainingCancelledException ex) {
            throw new JobCancelledException(ex.getMessage());
        }
    }
}
