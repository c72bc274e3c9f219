package io.perennial.worker.job;

import io.perennial.contracts.events.JobEvents.JobKind;
import io.perennial.learning.ContinualLearner;
import io.perennial.learning.evaluation.Predictions;
import io.perennial.learning.lora.LoraOptions;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * {@code TRAIN_ADAPTER}: a LoRA adapter trained on the window only, on top of the serving version (or the newest
 * base while nothing serves); the window's regime is named after the segment.
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
        run.family();
        var split = run.split();
        var probes = run.probesWithWindow(split);
        JobParameters params = run.params();
        Integer serving = run.production().orElse(null);
        int parent = serving != null ? serving : run.newestBase();
        try (ContinualLearner learner = run.load(parent)) {
            List<Predictions> servingPredictions = serving == null ? null
                    : learner.predictProbes(probes.stream().map(SegmentProbe::data).toList());
            LoraOptions options = new LoraOptions(params.rank(), params.alpha(), List.of(), params.seed());
            run.train(() -> learner.trainAdapter(params.segment(), split.train(), options, run.trainingConfig(),
                    run.progress()));
            VersionDraft draft = new VersionDraft("adapter", parent, serving, probes, servingPredictions,
                    new VersionDraft.NewSegment(params.segment(), params.segment()), params.segment(), null,
                    "adapter " + params.segment() + " trained by " + run.worker() + " on offsets "
                            + run.job().fromOffsets() + ".." + run.job().toOffsets());
            return JobOutcome.registered(registration.register(run, learner, draft));
        }
    }
}
