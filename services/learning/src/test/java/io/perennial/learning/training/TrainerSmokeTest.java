package io.perennial.learning.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.perennial.formats.spec.Activation;
import io.perennial.formats.spec.MlpSpec;
import io.perennial.learning.data.LabeledData;
import io.perennial.learning.data.TrainTestSplit;
import io.perennial.learning.data.UciDigits;
import io.perennial.learning.evaluation.Evaluator;
import io.perennial.learning.model.LayerDelta;
import io.perennial.learning.model.Network;
import io.perennial.learning.training.listener.StepProgress;
import io.perennial.learning.training.listener.TrainingListener;
import io.perennial.learning.training.listener.TrainingSummary;

class TrainerSmokeTest {

    @Test
    void baseTrainingLearnsDigits() {
        TrainTestSplit s = UciDigits.split(0.3, 1);
        MlpSpec spec = new MlpSpec(64, List.of(32), 10, Activation.RELU);
        List<StepProgress> steps = new ArrayList<>();
        try (Network net = Network.initialize(spec, 1)) {
            TrainingSummary sum = Trainer.train("base", net, LayerDelta.NONE, new ArrayList<>(net.parameters().values()),
                    s.train(), null, null, TrainingConfig.builder().optEpochs(15).optBatchSize(64).optLearningRate(3e-3).build(),
                    new TrainingListener() {
                        @Override
                        public void onStep(StepProgress p) {
                            steps.add(p);
                        }
                    });
            double acc = Evaluator.predict(net, LayerDelta.NONE, s.test()).accuracy(s.test().labels());
            System.out.println(sum + " acc=" + acc);
            assertThat(acc).isGreaterThan(0.9);
            assertThat(steps).isNotEmpty();
        }
    }
}
