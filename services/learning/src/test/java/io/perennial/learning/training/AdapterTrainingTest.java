package io.perennial.learning.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.perennial.formats.spec.Activation;
import io.perennial.formats.spec.MlpSpec;
import io.perennial.learning.data.DomainShift;
import io.perennial.learning.data.LabeledData;
import io.perennial.learning.data.UciDigits;
import io.perennial.learning.evaluation.Evaluator;
import io.perennial.learning.lora.LoraOptions;
import io.perennial.learning.model.LayerDelta;
import io.perennial.learning.model.Network;
import io.perennial.learning.training.listener.EpochSummary;
import io.perennial.learning.training.listener.StepProgress;
import io.perennial.learning.training.listener.StopReason;
import io.perennial.learning.training.listener.TrainingCancelledException;
import io.perennial.learning.training.listener.TrainingListener;
import io.perennial.learning.training.listener.TrainingSummary;

class AdapterTrainingTest {

    private static final MlpSpec SPEC = new MlpSpec(64, List.of(32), 10, Activation.RELU);
    private static Network base;
    private static LabeledData digits;

    @BeforeAll
    static void trainBase() {
        digits = UciDigits.load();
        base = Network.initialize(SPEC, 1);
        Trainer.train("base", base, LayerDelta.NONE, new ArrayList<>(base.parameters().values()), digits.range(0, 1000), null, null,
                TrainingConfig.builder().optEpochs(10).optBatchSize(64).optLearningRate(3e-3).build(), TrainingListener.NONE);
        base.setTrainable(false);
    }

    @AfterAll
    static void close() {
        base.close();
    }

    @Test
    void adapterLearnsANewRegimeWithoutTouchingTheBaseAndStreamsProgress() {
        Map<String, float[]> before = base.weights();
        LabeledData rotated = DomainShift.rotation(90).apply(digits.range(1000, 1797));
        List<LabeledData> parts = rotated.split(0.25, 3);
        List<StepProgress> progress = new ArrayList<>();
        List<EpochSummary> epochs = new ArrayList<>();
        TrainingSummary[] end = new TrainingSummary[1];
        TrainingListener l = new TrainingListener() {
            @Override
            public void onStep(StepProgress p) {
                progress.add(p);
            }

            @Override
            public void onEpochEnd(EpochSummary e) {
                epochs.add(e);
            }

            @Override
            public void onTrainingEnd(TrainingSummary s) {
                end[0] = s;
            }
        };
        AdapterTrainer.Result r = AdapterTrainer.train(base, "rot90", parts.get(0), new LoraOptions(8, 16, List.of(), 2),
                TrainingConfig.builder().optEpochs(15).optBatchSize(32).optLearningRate(5e-3).optProgressEverySteps(5).build(), null, l);
        try (var adapter = r.adapter()) {
            LabeledData test = parts.get(1);
            double baseAcc = Evaluator.predict(base, LayerDelta.NONE, test).accuracy(test.labels());
            double adaptedAcc = Evaluator.predict(base, adapter, test).accuracy(test.labels());
            assertThat(adaptedAcc).isGreaterThan(baseAcc + 0.3);
            Map<String, float[]> after = base.weights();
            for (String k : before.keySet()) {
                assertThat(after.get(k)).as(k).isEqualTo(before.get(k));
            }
            assertThat(progress).isNotEmpty();
            assertThat(progress.get(0).step()).isEqualTo(5);
            assertThat(progress.get(0).samplesPerSecond()).isPositive();
            assertThat(progress).allSatisfy(p -> assertThat(p.loss()).isFinite());
            assertThat(epochs).isNotEmpty();
            assertThat(end[0]).isEqualTo(r.summary());
            assertThat(r.summary().trainableParameters()).isEqualTo(adapter.parameterCount());
            // the kept weights are those of the best held-out epoch
            double bestAcc = epochs.stream().mapToDouble(EpochSummary::validationAccuracy).max().orElseThrow();
            assertThat(r.summary().bestValidationAccuracy()).isEqualTo(bestAcc);
        }
    }

    @Test
    void earlyStoppingStopsAfterPatienceAndRestoresTheBestEpoch() {
        // a learning rate this large makes the held-out accuracy stall; patience 1 stops early
        LabeledData rotated = DomainShift.rotation(45).apply(digits.range(1000, 1400));
        List<EpochSummary> epochs = new ArrayList<>();
        AdapterTrainer.Result r = AdapterTrainer.train(base, "es", rotated, new LoraOptions(4, 8, List.of(), 2),
                TrainingConfig.builder().optEpochs(40).optBatchSize(32).optLearningRate(3e-2).optPatience(1).build(), null,
                new TrainingListener() {
                    @Override
                    public void onEpochEnd(EpochSummary e) {
                        epochs.add(e);
                    }
                });
        try (var adapter = r.adapter()) {
            assertThat(r.summary().stopReason()).isEqualTo(StopReason.EARLY_STOPPED);
            assertThat(r.summary().epochs()).isLessThan(40);
            assertThat(epochs.get(epochs.size() - 1).improved()).isFalse();
            // the restored weights reproduce the best epoch's held-out accuracy
            int held = (int) Math.round(rotated.size() * 0.1);
            int[] perm = LabeledData.permutation(rotated.size(), 42);
            LabeledData validation = rotated.subset(java.util.Arrays.copyOfRange(perm, 0, held));
            assertThat(Evaluator.predict(base, adapter, validation).accuracy(validation.labels()))
                    .isEqualTo(r.summary().bestValidationAccuracy());
        }
    }

    @Test
    void aListenerCanCancelTraining() {
        LabeledData rotated = DomainShift.rotation(45).apply(digits.range(1000, 1400));
        AdapterTrainer.Result r = AdapterTrainer.train(base, "cancel", rotated, new LoraOptions(4, 8, List.of(), 2),
                TrainingConfig.builder().optEpochs(50).optBatchSize(16).optProgressEverySteps(3).build(), null, new TrainingListener() {
                    @Override
                    public void onStep(StepProgress p) {
                        if (p.step() >= 6) {
                            throw new TrainingCancelledException("job cancelled");
                        }
                    }
                });
        r.adapter().close();
        assertThat(r.summary().stopReason()).isEqualTo(StopReason.CANCELLED);
        assertThat(r.summary().steps()).isEqualTo(6);
    }

    @Test
    void rejectsBadInput() {
        LabeledData empty = digits.range(0, 0);
        assertThatThrownBy(() -> AdapterTrainer.train(base, "e", empty, LoraOptions.defaults(), TrainingConfig.defaults(), null,
                TrainingListener.NONE)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty segment");
        LabeledData wrongShape = LabeledData.of(new float[10 * 49], new int[10], new int[] {1, 7, 7}, 10);
        assertThatThrownBy(() -> AdapterTrainer.train(base, "s", wrongShape, LoraOptions.defaults(), TrainingConfig.defaults(), null,
                TrainingListener.NONE)).hasMessageContaining("shape mismatch: data samples have 49 features");
        LabeledData wrongClasses = LabeledData.of(new float[10 * 64], new int[10], new int[] {64}, 3);
        assertThatThrownBy(() -> AdapterTrainer.train(base, "c", wrongClasses, LoraOptions.defaults(), TrainingConfig.defaults(), null,
                TrainingListener.NONE)).hasMessageContaining("data has 3 classes, model family has 10");
        float[] f = digits.range(0, 10).features().clone();
        f[70] = Float.NaN;
        assertThatThrownBy(() -> LabeledData.of(f, new int[10], new int[] {64}, 10))
                .hasMessageContaining("non-finite input: sample 1 feature 6 is NaN");
        assertThatThrownBy(() -> AdapterTrainer.train(base, "r", digits.range(0, 50), new LoraOptions(11, 16, List.of("fc2"), 1),
                TrainingConfig.defaults(), null, TrainingListener.NONE))
                .hasMessageContaining("LoRA rank r=11 is larger than layer 'fc2' allows (10x32, max rank 10)");
        assertThatThrownBy(() -> AdapterTrainer.train(base, "d", digits.range(0, 50), LoraOptions.defaults(),
                TrainingConfig.builder().optDistillation(0.5, 2).build(), null, TrainingListener.NONE))
                .hasMessageContaining("needs teacher probabilities");
    }

    @Test
    void divergingTrainingFailsWithAClearMessage() {
        assertThatThrownBy(() -> AdapterTrainer.train(base, "boom", digits.range(0, 200), new LoraOptions(4, 8, List.of(), 1),
                TrainingConfig.builder().optEpochs(30).optLearningRate(1e30).optValidationFraction(0).build(), null, TrainingListener.NONE))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("diverged");
    }
}
