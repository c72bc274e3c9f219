package io.perennial.learning.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.perennial.formats.spec.Activation;
import io.perennial.formats.spec.MlpSpec;
import io.perennial.learning.data.DomainShift;
import io.perennial.learning.data.LabeledData;
import io.perennial.learning.data.UciDigits;
import io.perennial.learning.evaluation.Evaluator;
import io.perennial.learning.lora.LoraAdapter;
import io.perennial.learning.lora.LoraAdapterTestSupport;
import io.perennial.learning.lora.LoraOptions;
import io.perennial.learning.model.LayerDelta;
import io.perennial.learning.model.Network;
import io.perennial.learning.training.listener.TrainingListener;

/**
 * docs/learning.md, DJL discipline: scalar tensors built from Java numbers inside a forward pass can be freed before backward;
 * a GC between forward and backward then corrupts gradients. These tests force that GC.
 */
class GcStressTest {

    private static final MlpSpec SPEC = new MlpSpec(64, List.of(32), 10, Activation.RELU);

    @Test
    void gradientsAreIdenticalWithAndWithoutGcBetweenForwardAndBackward() {
        LabeledData data = UciDigits.load().range(0, 64);
        try (Network base = Network.initialize(SPEC, 3);
                LoraAdapter adapter = LoraAdapterTestSupport.random("a", base, 4, 8, List.of("fc1", "fc2"), 5);
                Ewc ewc = new Ewc(base, 10.0)) {
            ewc.consolidate(data, 64, 16);
            List<float[]> plain = gradients(base, adapter, ewc, data, false);
            List<float[]> stressed = gradients(base, adapter, ewc, data, true);
            for (int i = 0; i < plain.size(); i++) {
                assertThat(stressed.get(i)).isEqualTo(plain.get(i));
                float norm = 0;
                for (float v : plain.get(i)) {
                    assertThat(Float.isFinite(v)).isTrue();
                    norm += Math.abs(v);
                }
                assertThat(norm).isPositive();
            }
        }
    }

    /** Gradients of CE + distillation (scalar arrays 1/T and λT²) + EWC (scalar λ/2) w.r.t. A, B and the base. */
    private static List<float[]> gradients(Network base, LoraAdapter adapter, Ewc ewc, LabeledData data, boolean gc) {
        List<NDArray> params = new ArrayList<>(adapter.trainableParameters());
        params.addAll(base.parameters().values());
        for (NDArray p : params) {
            p.setRequiresGradient(true);
        }
        List<float[]> out = new ArrayList<>();
        int c = 10;
        float[] teacher = Distillation.temperedSoftmax(Evaluator.logits(base, LayerDelta.NONE, data, 64), c, 2.0);
        try (NDManager m = base.manager().newSubManager()) {
            NDArray invT = m.full(new Shape(), 0.5f, DataType.FLOAT32);
            NDArray kd = m.full(new Shape(), 4f, DataType.FLOAT32);
            try (NDScope scope = new NDScope()) {
                NDArray x = base.toInput(m, data.features(), data.size());
                NDArray y = m.create(Trainer.oneHot(data.labels(), c), new Shape(data.size(), c));
                NDArray p = m.create(teacher, new Shape(data.size(), c));
                try (GradientCollector g = Engine.getInstance().newGradientCollector()) {
                    NDArray logits = base.logits(x, adapter);
                    NDArray loss = Losses.crossEntropy(logits, y).add(Losses.distillation(logits, p, invT).mul(kd)).add(ewc.penalty());
                    if (gc) {
                        for (int i = 0; i < 3; i++) {
                            System.gc();
                        }
                    }
                    g.backward(loss);
                }
                for (NDArray q : params) {
                    out.add(q.getGradient().toFloatArray());
                    JniUtils.zeroGrad((PtNDArray) q);
                }
            }
        } finally {
            for (NDArray q : params) {
                q.setRequiresGradient(false);
            }
        }
        return out;
    }

    @Test
    void adapterTrainingWithGcEveryStepConvergesToTheSameWeights() {
        LabeledData digits = UciDigits.load();
        LabeledData rotated = DomainShift.rotation(90).apply(digits.range(0, 600));
        try (Network base = Network.initialize(SPEC, 4)) {
            Trainer.train("base", base, LayerDelta.NONE, new ArrayList<>(base.parameters().values()), digits.range(600, 1400), null, null,
                    TrainingConfig.builder().optEpochs(8).optBatchSize(64).optLearningRate(3e-3).build(), TrainingListener.NONE);
            float[] teacher = Distillation.teacherProbabilities(base, LayerDelta.NONE, rotated, 2.0);
            TrainingConfig cfg = TrainingConfig.builder().optEpochs(8).optBatchSize(32).optLearningRate(1e-2)
                    .optDistillation(0.1, 2.0).optValidationFraction(0).build();
            AdapterTrainer.Result plain = AdapterTrainer.train(base, "plain", rotated, new LoraOptions(4, 8, List.of(), 1), cfg, teacher,
                    TrainingListener.NONE);
            AdapterTrainer.Result stressed = AdapterTrainer.train(base, "gc", rotated, new LoraOptions(4, 8, List.of(), 1),
                    cfg.toBuilder().optForceGcBeforeBackward(true).build(), teacher, TrainingListener.NONE);
            try (LoraAdapter a = plain.adapter(); LoraAdapter b = stressed.adapter()) {
                assertThat(b.aWeights().get("fc1")).isEqualTo(a.aWeights().get("fc1"));
                assertThat(b.bWeights().get("fc2")).isEqualTo(a.bWeights().get("fc2"));
                assertThat(stressed.summary().finalTrainLoss()).isEqualTo(plain.summary().finalTrainLoss());
                double before = Evaluator.predict(base, LayerDelta.NONE, rotated).accuracy(rotated.labels());
                double after = Evaluator.predict(base, b, rotated).accuracy(rotated.labels());
                assertThat(after).isGreaterThan(before + 0.15);
            }
        }
    }
}
