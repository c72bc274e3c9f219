package io.perennial.worker.job;

import io.perennial.contracts.events.JobEvents.JobKind;
import io.perennial.formats.spec.ModelFamilySpec;
import io.perennial.learning.ContinualLearner;
import io.perennial.learning.data.LabeledData;
import io.perennial.learning.evaluation.Predictions;
import io.perennial.learning.lora.LoraAdapter;
import io.perennial.learning.lora.LoraOptions;
import io.perennial.learning.training.AdapterTrainer;
import io.perennial.learning.training.Distillation;
import io.perennial.learning.training.TrainingConfig;
import io.perennial.learning.training.listener.TrainingListener;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * {@code REFINE}: a continuing regime's own adapter replaced by one trained (from scratch, same name) on the
 * regime's grown window, which trainer-service makes of that regime's offsets only (replay-free). The regime's
 * descriptor is refitted on the grown window's training part; the window becomes the job's segment mapped to the
 * regime, and its probe, evaluated last against production, tells the gate whether the refinement improved the
 * regime (its positive minus negative flip rate is the accuracy gain).
 */
@Component
class RefineHandler implements JobHandler {

    private final VersionRegistration registration;

    RefineHandler(VersionRegistration registration) {
        this.registration = registration;
    }

    @Override
    public JobKind kind() {
        return JobKind.REFINE;
    }

    @Override
    public JobOutcome run(JobRun run) {
        ModelFamilySpec family = run.family();
        JobParameters params = run.params();
        LoraOptions options = TrainAdapterHandler.options(params, family);
        String regime = params.regime();
        var split = run.split();
        var probes = run.probesWithWindow(split);
        int serving = run.requireProduction("refine the adapter of regime " + regime);
        try (ContinualLearner learner = run.load(serving)) {
            Regimes.requireOwnAdapter(learner, regime, serving);
            List<Predictions> servingPredictions = learner.predictProbes(SegmentProbe.samples(probes));
            TrainingConfig cfg = TrainAdapterHandler.trainingConfig(run);
            run.phase("refining the adapter of regime " + regime + " on " + split.train().size() + " samples");
            boolean hadPriors = learner.classPriors().containsKey(regime);
            try {
                run.train(() -> refine(learner, regime, split.train(), options, cfg, run.progress()));
            } catch (IllegalArgumentException ex) {
                throw JobFailedException.permanent("cannot refine the adapter of regime " + regime + ": "
                        + ex.getMessage(), ex);
            }
            VersionDraft draft = new VersionDraft("refine", serving, serving, probes, servingPredictions,
                    new VersionDraft.NewSegment(params.segment(), regime), regime, null,
                    "adapter " + regime + " (" + TrainAdapterHandler.shape(params) + ") refined by " + run.worker()
                            + " on the regime's grown window, offsets " + run.job().fromOffsets() + ".."
                            + run.job().toOffsets() + (hadPriors ? "; its class-prior correction is dropped: the "
                            + "adapter learned the grown window's priors" : ""));
            return JobOutcome.registered(registration.register(run, learner, draft));
        }
    }

    /**
     * Replaces the regime's adapter by one of the same name trained on {@code grown}, and refits the regime's
     * descriptor on it. The new adapter is trained before the old one is removed, so distillation learns from the
     * serving model with the old adapter in place; the regime moves to the end of the router's order and loses a
     * class-prior correction (the new adapter learned the grown window's priors).
     *
     * @param regime an active regime served by its own adapter ({@link Regimes#requireOwnAdapter})
     * @throws IllegalArgumentException from the library (a rank too large for a layer, an empty window)
     */
    static AdapterTrainer.Result refine(ContinualLearner learner, String regime, LabeledData grown,
            LoraOptions options, TrainingConfig cfg, TrainingListener listener) {
        AdapterTrainer.Result trained = AdapterTrainer.train(learner.base(), regime, grown, options, cfg,
                teacher(learner, grown, cfg), listener);
        LoraAdapter adapter = trained.adapter();
        try {
            learner.removeAdapter(regime);
            learner.addAdapter(adapter, grown);
        } catch (RuntimeException ex) {
            adapter.close();
            throw ex;
        }
        return trained;
    }

    /**
     * The serving model's tempered probabilities on the grown window (the regime's old adapter still in place), or
     * null without distillation.
     */
    static float[] teacher(ContinualLearner learner, LabeledData grown, TrainingConfig cfg) {
        if (!(cfg.distillationWeight() > 0)) {
            return null;
        }
        return Distillation.temperedSoftmax(learner.routedModel().logits(grown), learner.base().spec().classes(),
                cfg.distillationTemperature());
    }
}
