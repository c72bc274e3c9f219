package io.perennial.worker.job;

import io.perennial.contracts.events.JobEvents.JobKind;
import io.perennial.learning.ContinualLearner;
import io.perennial.learning.evaluation.Predictions;
import java.util.List;

/**
 * The jobs that answer a window matching a known regime without training ({@code PRIOR_CORRECT}, {@code RESTORE}):
 * the serving version is changed for that regime, the window becomes the job's segment mapped to it, and the
 * candidate is evaluated on every probe, the window's last.
 */
abstract class KnownRegimeHandler implements JobHandler {

    private final VersionRegistration registration;
    private final JobKind kind;
    private final String versionKind;

    /**
     * @param versionKind the registry's kind of the versions these jobs make
     */
    KnownRegimeHandler(VersionRegistration registration, JobKind kind, String versionKind) {
        this.registration = registration;
        this.kind = kind;
        this.versionKind = versionKind;
    }

    @Override
    public final JobKind kind() {
        return kind;
    }

    /**
     * Changes the serving version for the regime.
     *
     * @param window the window cut by the probe rule
     * @return what was done, for the version's description
     */
    abstract String answer(JobRun run, ContinualLearner learner, String regime, TrainingWindow.Split window);

    @Override
    public final JobOutcome run(JobRun run) {
        run.family();
        JobParameters params = run.params();
        String regime = params.regime();
        var split = run.split();
        var probes = run.probesWithWindow(split);
        int serving = run.requireProduction("answer with its regime " + regime);
        try (ContinualLearner learner = run.load(serving)) {
            Regimes.requireKnown(learner, regime, serving);
            List<Predictions> servingPredictions = learner.predictProbes(SegmentProbe.samples(probes));
            String done = answer(run, learner, regime, split);
            VersionDraft draft = new VersionDraft(versionKind, serving, serving, probes, servingPredictions,
                    new VersionDraft.NewSegment(params.segment(), regime), null, null, done + " by " + run.worker()
                            + " on offsets " + run.job().fromOffsets() + ".." + run.job().toOffsets());
            return JobOutcome.registered(registration.register(run, learner, draft));
        }
    }
}
