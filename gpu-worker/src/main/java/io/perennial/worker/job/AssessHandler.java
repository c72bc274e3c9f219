package io.perennial.worker.job;

import io.perennial.contracts.events.JobEvents.JobKind;
import io.perennial.learning.ContinualLearner;
import io.perennial.learning.adaptation.WindowAssessment;
import org.springframework.stereotype.Component;

/**
 * {@code ASSESS}: the evidence of the whole window (labelled or not) against every regime of the serving version,
 * active and archived, for trainer-service's decision. Registers nothing and trains nothing: a pure function of the window and the version,
 * so a redelivered job simply runs again.
 */
@Component
class AssessHandler implements JobHandler {

    @Override
    public JobKind kind() {
        return JobKind.ASSESS;
    }

    @Override
    public boolean registersVersion() {
        return false;
    }

    @Override
    public JobOutcome run(JobRun run) {
        run.family();
        TrainingWindow window = run.wholeWindow();
        int serving = run.requireProduction("assess the window against");
        try (ContinualLearner learner = run.load(serving)) {
            run.stopIfCancelled("before the assessment");
            run.phase("assessing " + window.data().size() + " samples against version " + serving);
            WindowAssessment assessment = assess(learner, window);
            return JobOutcome.found(assessment.toMap(), "assessed " + assessment.samples() + " samples against version "
                    + serving + "; nearest regime " + assessment.nearest().map(r -> r.regime()).orElse("none"));
        }
    }

    /**
     * The window's evidence (unlabelled rows count for where the inputs went; their labels are estimated); a window
     * the library cannot assess fails the job for good, with the reason.
     */
    static WindowAssessment assess(ContinualLearner learner, TrainingWindow window) {
        try {
            return learner.assess(window.data(), window.fullyLabelled() ? null : window.labelled());
        } catch (IllegalArgumentException ex) {
            throw JobFailedException.permanent("cannot assess the window: " + ex.getMessage(), ex);
        }
    }
}
