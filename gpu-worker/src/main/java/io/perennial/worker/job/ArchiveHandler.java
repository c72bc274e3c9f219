package io.perennial.worker.job;

import io.perennial.contracts.events.JobEvents.JobKind;
import io.perennial.learning.ContinualLearner;
import io.perennial.learning.evaluation.Predictions;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * {@code ARCHIVE}: regimes taken out of routing to keep the active set bounded. Their adapters and descriptors stay
 * in the version's files, so a recurrence can restore them; their segments are flagged {@code archived} in the
 * evaluation, which the gate's forgetting and flip conditions skip. Reads no samples but the earlier probes.
 */
@Component
class ArchiveHandler implements JobHandler {

    private final VersionRegistration registration;

    ArchiveHandler(VersionRegistration registration) {
        this.registration = registration;
    }

    @Override
    public JobKind kind() {
        return JobKind.ARCHIVE;
    }

    @Override
    public JobOutcome run(JobRun run) {
        run.family();
        List<String> regimes = run.params().regimes();
        var probes = run.requireEarlierProbes();
        int serving = run.requireProduction("archive regimes of");
        try (ContinualLearner learner = run.load(serving)) {
            List<Predictions> servingPredictions = learner.predictProbes(SegmentProbe.samples(probes));
            archive(learner, regimes, serving);
            VersionDraft draft = new VersionDraft("archive", serving, serving, probes, servingPredictions, null, null,
                    null, "regimes " + regimes + " archived by " + run.worker());
            return JobOutcome.registered(registration.register(run, learner, draft));
        }
    }

    /**
     * Takes the regimes out of routing.
     *
     * @throws JobFailedException (not retryable) for an unknown, base or already archived regime
     */
    static void archive(ContinualLearner learner, List<String> regimes, int version) {
        for (String regime : regimes) {
            Regimes.requireKnown(learner, regime, version);
            try {
                learner.archiveRegime(regime);
            } catch (IllegalArgumentException ex) {
                throw JobFailedException.permanent("cannot archive regime " + regime + ": " + ex.getMessage(), ex);
            }
        }
    }
}
