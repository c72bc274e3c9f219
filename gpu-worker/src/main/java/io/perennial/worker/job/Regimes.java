package io.perennial.worker.job;

import io.perennial.learning.ContinualLearner;

/** Checks on the regimes a job names, against the version it acts on. */
final class Regimes {

    private Regimes() {
    }

    /** The regime must exist in the version (active or archived); a job naming another fails for good. */
    static void requireKnown(ContinualLearner learner, String regime, int version) {
        var known = learner.routedModel().router().regimeNames();
        if (!known.contains(regime)) {
            throw JobFailedException.permanent("version " + version + " has no regime '" + regime + "' (regimes: "
                    + known + ")");
        }
    }
}
