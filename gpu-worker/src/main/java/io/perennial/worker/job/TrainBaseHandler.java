package io.perennial.worker.job;

import io.perennial.contracts.events.JobEvents.JobKind;
import io.perennial.learning.ContinualLearner;
import io.perennial.learning.routing.RouterConfig;
import org.springframework.stereotype.Component;

/** {@code TRAIN_BASE}: a base model trained from scratch on the stream's first window. */
@Component
class TrainBaseHandler implements JobHandler {

    private final VersionRegistration registration;

    TrainBaseHandler(VersionRegistration registration) {
        this.registration = registration;
    }

    @Override
    public JobKind kind() {
        return JobKind.TRAIN_BASE;
    }

    @Override
    public JobOutcome run(JobRun run) {
        var family = run.family();
        var split = run.split();
        var probes = run.probesWithWindow(split);
        try (ContinualLearner base = run.train(() -> ContinualLearner.trainBase(family, split.train(),
                run.trainingConfig(), run.progress(), RouterConfig.defaults()))) {
            VersionDraft draft = new VersionDraft("base", null, null, probes, null,
                    new VersionDraft.NewSegment(run.params().segment(), ContinualLearner.BASE_REGIME), null, null,
                    "base model trained by " + run.worker() + " on offsets " + run.job().fromOffsets() + ".."
                            + run.job().toOffsets());
            return JobOutcome.registered(registration.register(run, base, draft));
        }
    }
}
