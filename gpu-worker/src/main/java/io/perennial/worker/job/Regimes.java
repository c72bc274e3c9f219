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

    /**
     * The regime must be an active regime of the version served by an adapter of its own (named after it); a job
     * that retrains that adapter fails for good otherwise: the base regime has no adapter (the base is frozen), an
     * archived regime is out of routing (a recurrence restores it first), and a merged adapter serves other regimes
     * too, which retraining it on one regime's window would change.
     */
    static void requireOwnAdapter(ContinualLearner learner, String regime, int version) {
        requireKnown(learner, regime, version);
        if (ContinualLearner.BASE_REGIME.equals(regime)) {
            throw JobFailedException.permanent("regime '" + regime + "' of version " + version
                    + " is served by the frozen base, which has no adapter to refine");
        }
        if (learner.archivedRegimes().contains(regime)) {
            throw JobFailedException.permanent("regime '" + regime + "' of version " + version
                    + " is archived: it is restored by a recurrence before its adapter can be refined");
        }
        String adapter = learner.regimeAdapterNames().get(regime);
        if (!regime.equals(adapter)) {
            throw JobFailedException.permanent("regime '" + regime + "' of version " + version
                    + " is served by the merged adapter '" + adapter + "', which other regimes share; only a "
                    + "regime's own adapter is refined");
        }
    }
}
