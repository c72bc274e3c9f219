package io.perennial.worker.job;

import io.perennial.contracts.events.JobEvents.JobKind;
import io.perennial.learning.ContinualLearner;
import io.perennial.learning.data.LabeledData;
import java.util.Arrays;
import org.springframework.stereotype.Component;

/**
 * {@code PRIOR_CORRECT}: the window fits a known regime but its label distribution moved. The regime's class priors
 * are re-estimated on the window's training part and served as a logit bias; no adapter is trained. The window
 * becomes the job's segment, mapped to that regime, and its probe is evaluated with every earlier one.
 */
@Component
class PriorCorrectHandler extends KnownRegimeHandler {

    PriorCorrectHandler(VersionRegistration registration) {
        super(registration, JobKind.PRIOR_CORRECT, "prior");
    }

    @Override
    String answer(JobRun run, ContinualLearner learner, String regime, TrainingWindow.Split window) {
        run.phase("estimating the class priors of regime " + regime);
        return "class priors of regime " + regime + " re-estimated as "
                + Arrays.toString(correct(learner, regime, window.train()));
    }

    /**
     * Re-estimates the regime's class priors on the samples and serves it under them.
     *
     * @return the new priors
     * @throws JobFailedException (not retryable) with the library's reason when the window is degenerate
     */
    static double[] correct(ContinualLearner learner, String regime, LabeledData samples) {
        try {
            double[] priors = learner.estimatePriors(regime, samples);
            learner.setClassPriors(regime, priors);
            return priors;
        } catch (IllegalArgumentException ex) {
            throw JobFailedException.permanent("cannot correct the class priors of regime " + regime + ": "
                    + ex.getMessage(), ex);
        }
    }
}
