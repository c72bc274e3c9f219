package io.perennial.trainer.adaptation;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where the base model of a stream without a {@code TRAIN_BASE} job comes from: its own first window, or a base an
 * operator uploaded and promoted. Pure decisions, unit-tested.
 */
final class Bootstrap {

    private Bootstrap() {
    }

    /** What to do for a stream without a base job. */
    enum Step {
        /** Nothing this round. */
        WAIT,
        /** Train a base on the first window. */
        TRAIN_BASE,
        /** The uploaded base serves: plan adapters (and merges) on top of it. */
        USE_UPLOAD
    }

    /** A decision, with the upload it relies on for {@link Step#USE_UPLOAD}. */
    record Decision<P>(Step step, P upload) {
    }

    /**
     * Decides for a stream that has no base job. The registry is asked only when the answer changes what happens this
     * round (the base window is full, or an alarm waits) and no upload was noticed before; an upload found is
     * remembered by the caller and never asked for again.
     *
     * @param remembered the upload noticed earlier, if any
     * @param baseWindowReady whether {@code baseWindow} samples exist
     * @param alarmsPending whether drift alarms wait for an adapter
     * @param registry the production version in the registry; throws when the registry is unreachable, and then
     *     nothing is decided: a base job scheduled by mistake would train and promote a model over the operator's
     *     upload, while waiting a round costs only a second
     */
    static <P> Decision<P> decide(Optional<P> remembered, boolean baseWindowReady, boolean alarmsPending,
            Supplier<Optional<P>> registry) {
        if (remembered.isPresent()) {
            return new Decision<>(Step.USE_UPLOAD, remembered.get());
        }
        if (!baseWindowReady && !alarmsPending) {
            return new Decision<>(Step.WAIT, null);
        }
        Optional<P> production = registry.get();
        if (production.isPresent()) {
            return new Decision<>(Step.USE_UPLOAD, production.get());
        }
        return new Decision<>(baseWindowReady ? Step.TRAIN_BASE : Step.WAIT, null);
    }

    /**
     * Why an alarm cannot lead to an adapter, or null when it can: an alarm raised before the base was in place
     * describes data the base already covers (its training window, or what the uploaded base was chosen for).
     *
     * @param baseSince when the base job's window was chosen, or when production first pointed at the uploaded base
     * @param uploadedVersion the uploaded base's version, or null for a trained base
     */
    static String ignoredBecause(Instant detectedAt, Instant baseSince, Integer uploadedVersion) {
        if (!detectedAt.isBefore(baseSince)) {
            return null;
        }
        return uploadedVersion == null ? "raised before the base model's window was chosen"
                : "raised before the uploaded base (version " + uploadedVersion + ") was promoted";
    }
}
