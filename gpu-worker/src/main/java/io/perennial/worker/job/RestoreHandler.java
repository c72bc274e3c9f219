package io.perennial.worker.job;

import io.perennial.contracts.events.JobEvents.JobKind;
import io.perennial.learning.ContinualLearner;
import org.springframework.stereotype.Component;

/**
 * {@code RESTORE}: the window is a recurrence of a known regime. An archived regime is routed to its adapter again;
 * an active one stays as it is. Either way the window becomes the job's segment, mapped to that regime (so drift
 * detection's reference moves to the recurrence and the lineage shows the answer). Nothing is trained.
 */
@Component
class RestoreHandler extends KnownRegimeHandler {

    RestoreHandler(VersionRegistration registration) {
        super(registration, JobKind.RESTORE, "restore");
    }

    @Override
    String answer(JobRun run, ContinualLearner learner, String regime, TrainingWindow.Split window) {
        return restore(learner, regime) ? "archived regime " + regime + " restored" : "regime " + regime + " recurred";
    }

    /**
     * Routes the regime again if it is archived; an active regime is left as it is.
     *
     * @return whether it was archived
     */
    static boolean restore(ContinualLearner learner, String regime) {
        boolean archived = learner.archivedRegimes().contains(regime);
        if (archived) {
            learner.restoreRegime(regime);
        }
        return archived;
    }
}
