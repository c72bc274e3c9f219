package io.perennial.worker.job;

import io.perennial.contracts.events.JobEvents.JobKind;
import io.perennial.formats.spec.ModelFamilySpec;
import io.perennial.learning.ContinualLearner;
import io.perennial.learning.evaluation.Predictions;
import io.perennial.learning.lora.LoraOptions;
import io.perennial.learning.training.TrainingConfig;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * {@code TRAIN_ADAPTER}: a LoRA adapter trained on the window only, on top of the serving version (or the newest
 * base while nothing serves); the window's regime is named after the segment. A remedy for a refused version may
 * ask for distillation from the serving version, other target layers or another rank.
 */
@Component
class TrainAdapterHandler implements JobHandler {

    private final VersionRegistration registration;

    TrainAdapterHandler(VersionRegistration registration) {
        this.registration = registration;
    }

    @Override
    public JobKind kind() {
        return JobKind.TRAIN_ADAPTER;
    }

    @Override
    public JobOutcome run(JobRun run) {
        ModelFamilySpec family = run.family();
        LoraOptions options = options(run.params(), family);
        var split = run.split();
        var probes = run.probesWithWindow(split);
        JobParameters params = run.params();
        Integer serving = run.production().orElse(null);
        int parent = serving != null ? serving : run.newestBase();
        try (ContinualLearner learner = run.load(parent)) {
            List<Predictions> servingPredictions = serving == null ? null
                    : learner.predictProbes(SegmentProbe.samples(probes));
            TrainingConfig cfg = trainingConfig(run);
            try {
                run.train(() -> learner.trainAdapter(params.segment(), split.train(), options, cfg, run.progress()));
            } catch (IllegalArgumentException ex) {
                throw JobFailedException.permanent("cannot train adapter " + params.segment() + ": "
                        + ex.getMessage(), ex);
            }
            VersionDraft draft = new VersionDraft("adapter", parent, serving, probes, servingPredictions,
                    new VersionDraft.NewSegment(params.segment(), params.segment()), params.segment(), null,
                    "adapter " + params.segment() + " (" + shape(params) + ") trained by " + run.worker()
                            + " on offsets " + run.job().fromOffsets() + ".." + run.job().toOffsets());
            return JobOutcome.registered(registration.register(run, learner, draft));
        }
    }

    /**
     * The adapter's shape: {@code rank}, {@code alpha} and the {@code targets} layers (each must be a linear layer
     * of the stream's model family; none means every linear layer). A rank too large for a layer is refused by the
     * library when training starts.
     */
    static LoraOptions options(JobParameters params, ModelFamilySpec family) {
        for (String target : params.targets()) {
            try {
                family.linearLayer(target);
            } catch (IllegalArgumentException ex) {
                throw JobFailedException.permanent("malformed job: 'targets': " + ex.getMessage(), ex);
            }
        }
        return new LoraOptions(params.rank(), params.alpha(), params.targets(), params.seed());
    }

    /** The adapter's rank, targets and distillation, for the version's description. */
    static String shape(JobParameters params) {
        String shape = "rank " + params.rank() + ", " + (params.targets().isEmpty() ? "every linear layer"
                : "layers " + params.targets());
        JobParameters.Distillation d = params.distillation();
        return d == null ? shape : shape + ", distilled from the serving version with weight " + d.weight()
                + " at temperature " + d.temperature();
    }

    /** The job's hyperparameters, with distillation from the serving version when the job asks for it. */
    static TrainingConfig trainingConfig(JobRun run) {
        JobParameters.Distillation d = run.params().distillation();
        TrainingConfig cfg = run.trainingConfig();
        return d == null ? cfg : cfg.toBuilder().optDistillation(d.weight(), d.temperature()).build();
    }
}
