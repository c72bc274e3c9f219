package io.perennial.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.perennial.formats.spec.Activation;
import io.perennial.formats.spec.CnnSpec;
import io.perennial.formats.spec.MlpSpec;
import io.perennial.learning.data.DomainShift;
import io.perennial.learning.data.LabeledData;
import io.perennial.learning.data.SegmentedStream;
import io.perennial.learning.data.UciDigits;
import io.perennial.learning.evaluation.Predictions;
import io.perennial.learning.evaluation.ProbeReport;
import io.perennial.learning.lora.LoraAdapter;
import io.perennial.learning.lora.LoraOptions;
import io.perennial.learning.merge.MergeMethod;
import io.perennial.learning.merge.MergeOptions;
import io.perennial.learning.model.Network;
import io.perennial.learning.routing.RoutedPredictions;
import io.perennial.learning.routing.RouterConfig;
import io.perennial.learning.routing.RoutingMode;
import io.perennial.learning.training.TrainingConfig;
import io.perennial.learning.training.listener.TrainingListener;

/** End to end through the public API the gpu-worker calls. */
class ContinualLearnerTest {

    @Test
    void baseThenAdapterIsReplayFreeAndSurvivesSaveAndLoad(@TempDir Path dir) throws Exception {
        LabeledData digits = UciDigits.load();
        SegmentedStream stream = SegmentedStream.build(digits.range(0, 1400), digits.range(1400, 1797),
                List.of(DomainShift.identity(), DomainShift.rotation(90)), 600, 150, 3);
        List<LabeledData> probes = stream.probes();
        MlpSpec spec = new MlpSpec(64, List.of(48), 10, Activation.RELU);
        TrainingConfig cfg = TrainingConfig.builder().optEpochs(12).optBatchSize(32).optLearningRate(3e-3).optSeed(5).build();
        try (ContinualLearner cl = ContinualLearner.trainBase(spec, stream.segment(0).train(), cfg, TrainingListener.NONE,
                new RouterConfig(16, Double.NaN, 0.99, 1.0))) {
            List<Predictions> serving = cl.predictProbes(probes);
            ProbeReport r0 = cl.evaluate(probes, null);
            assertThat(r0.accuracies().get(0)).isGreaterThan(0.85);
            assertThat(r0.accuracies().get(1)).isLessThan(0.5);

            cl.trainAdapter("rot90", stream.segment(1).train(), new LoraOptions(8, 16, List.of(), 1),
                    cfg.toBuilder().optLearningRate(5e-3).optEpochs(20).optDistillation(0.05, 2).build(), TrainingListener.NONE);
            ProbeReport r1 = cl.evaluate(probes, serving);
            // replay-free and non-destructive: the old regime keeps (almost) all its accuracy
            assertThat(r1.accuracies().get(0)).isGreaterThan(r0.accuracies().get(0) - 0.02);
            assertThat(r1.flips().get(0).negative()).isLessThan(0.02);
            assertThat(r1.overallFlips()).isNotNull();

            RoutedPredictions p = cl.predict(probes.get(1), RoutingMode.HARD);
            long routedToAdapter = java.util.stream.IntStream.range(0, p.regime().length).filter(i -> p.regimeOf(i).equals("rot90")).count();
            assertThat(routedToAdapter).isGreaterThan(140);

            try (LoraAdapter merged = cl.mergeAdapters("merged", List.of("rot90"), MergeMethod.TIES, MergeOptions.defaults(), 8, 16);
                    Network folded = cl.foldAdapters(List.of("rot90"), MergeMethod.TASK_ARITHMETIC, MergeOptions.defaults().withScale(1))) {
                assertThat(merged.baseFingerprint()).isEqualTo(cl.base().fingerprint());
                double foldedAcc = ContinualLearner.predictProbes(folded, List.of(probes.get(1))).get(0).accuracy(probes.get(1).labels());
                assertThat(foldedAcc).isGreaterThan(0.75);
            }

            cl.save(dir);
            try (ContinualLearner back = ContinualLearner.load(dir)) {
                assertThat(back.adapters().keySet()).containsExactly("rot90");
                for (int j = 0; j < probes.size(); j++) {
                    assertThat(back.predict(probes.get(j), RoutingMode.HARD).predictions().classes())
                            .containsExactly(cl.predict(probes.get(j), RoutingMode.HARD).predictions().classes());
                }
            }
            assertThatThrownBy(() -> cl.trainAdapter("rot90", stream.segment(1).train(), LoraOptions.defaults(), cfg, TrainingListener.NONE))
                    .hasMessageContaining("already exists");
            cl.removeAdapter("rot90");
            assertThat(cl.routedModel().router().regimeNames()).containsExactly("base");
        }
    }

    @Test
    void mergedRegimesShareOneAdapterKeepTheirRoutingAndSurviveSaveAndLoad(@TempDir Path dir) throws Exception {
        LabeledData digits = UciDigits.load();
        SegmentedStream stream = SegmentedStream.build(digits.range(0, 1400), digits.range(1400, 1797),
                List.of(DomainShift.identity(), DomainShift.rotation(90), DomainShift.rotation(180)), 400, 100, 3);
        List<LabeledData> probes = stream.probes();
        MlpSpec spec = new MlpSpec(64, List.of(48), 10, Activation.RELU);
        TrainingConfig cfg = TrainingConfig.builder().optEpochs(10).optBatchSize(32).optLearningRate(3e-3).optSeed(5).build();
        try (ContinualLearner cl = ContinualLearner.trainBase(spec, stream.segment(0).train(), cfg, TrainingListener.NONE,
                new RouterConfig(16, Double.NaN, 0.99, 1.0))) {
            cl.trainAdapter("rot90", stream.segment(1).train(), new LoraOptions(8, 16, List.of(), 1), cfg, TrainingListener.NONE);
            cl.trainAdapter("rot180", stream.segment(2).train(), new LoraOptions(8, 16, List.of(), 2), cfg, TrainingListener.NONE);
            LoraAdapter merged = cl.mergeRegimes("merge-1", List.of("rot90", "rot180"), MergeMethod.TIES,
                    MergeOptions.defaults(), 8, 16);
            assertThat(cl.adapters().keySet()).containsExactly("merge-1");
            assertThat(cl.regimeAdapterNames()).containsEntry("rot90", "merge-1").containsEntry("rot180", "merge-1");
            assertThat(cl.routedModel().router().regimeNames()).containsExactly("base", "rot90", "rot180");
            assertThat(cl.routedModel().adapterOf("rot90")).isSameAs(merged);
            assertThatThrownBy(() -> cl.mergeRegimes("x", List.of("base"), MergeMethod.TIES, MergeOptions.defaults(), 8, 16))
                    .hasMessageContaining("no adapter");

            cl.save(dir);
            try (ContinualLearner back = ContinualLearner.load(dir)) {
                assertThat(back.adapters().keySet()).containsExactly("merge-1");
                assertThat(back.regimeAdapterNames()).containsEntry("rot90", "merge-1").containsEntry("rot180", "merge-1");
                for (LabeledData probe : probes) {
                    assertThat(back.predict(probe, RoutingMode.HARD).predictions().classes())
                            .containsExactly(cl.predict(probe, RoutingMode.HARD).predictions().classes());
                }
            }
        }
    }

    @Test
    void cnnBaseIsDeterministicGivenTheSeed() {
        LabeledData digits = UciDigits.load().range(0, 300);
        CnnSpec spec = new CnnSpec(1, 8, 8, List.of(4), 3, 16, 10, null);
        TrainingConfig cfg = TrainingConfig.builder().optEpochs(2).optBatchSize(32).optSeed(9).build();
        try (ContinualLearner a = ContinualLearner.trainBase(spec, digits, cfg, TrainingListener.NONE, RouterConfig.defaults());
                ContinualLearner b = ContinualLearner.trainBase(spec, digits, cfg, TrainingListener.NONE, RouterConfig.defaults())) {
            assertThat(a.base().fingerprint()).isEqualTo(b.base().fingerprint());
        }
    }
}
