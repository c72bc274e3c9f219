package io.perennial.learning.training;

import java.util.List;

import org.jspecify.annotations.Nullable;

import io.perennial.formats.spec.LinearLayerShape;
import io.perennial.learning.data.LabeledData;
import io.perennial.learning.lora.LoraAdapter;
import io.perennial.learning.lora.LoraOptions;
import io.perennial.learning.model.Network;
import io.perennial.learning.training.listener.TrainingListener;
import io.perennial.learning.training.listener.TrainingSummary;

/**
 * Replay-free adapter training: a new LoRA adapter learns one segment's training window on a frozen base,
 * with Adam, early stopping on a held-out split of that window, and optional distillation from the
 * serving model's outputs on the same (new) data. No earlier segment's data is used.
 */
public final class AdapterTrainer {

    private AdapterTrainer() {
    }

    /**
     * A trained adapter and its run summary.
     *
     * @param adapter the adapter (caller closes it)
     * @param summary training summary
     */
    public record Result(LoraAdapter adapter, TrainingSummary summary) {
    }

    /**
     * Trains a new adapter.
     *
     * @param base frozen base (not modified)
     * @param name adapter name
     * @param segment the new segment's training window
     * @param options rank, α, targets, seed
     * @param cfg training hyperparameters (distillation weight &gt; 0 needs {@code teacherProbs})
     * @param teacherProbs serving model's tempered probabilities on {@code segment}, or null
     * @param listener progress callbacks
     * @return the adapter and summary
     */
    public static Result train(Network base, String name, LabeledData segment, LoraOptions options, TrainingConfig cfg,
            float @Nullable [] teacherProbs, TrainingListener listener) {
        if (segment.isEmpty()) {
            throw new IllegalArgumentException("empty segment: adapter '" + name + "' has no training samples");
        }
        List<String> targets = options.targets().isEmpty()
                ? base.spec().linearLayers().stream().map(LinearLayerShape::name).toList()
                : options.targets();
        LoraAdapter adapter = LoraAdapter.create(name, base, options.r(), options.alpha(), targets, options.seed());
        try {
            base.setTrainable(false);
            TrainingSummary s = Trainer.train(name, base, adapter, adapter.trainableParameters(), segment, teacherProbs, null, cfg, listener);
            return new Result(adapter, s);
        } catch (RuntimeException e) {
            adapter.close();
            throw e;
        }
    }
}
