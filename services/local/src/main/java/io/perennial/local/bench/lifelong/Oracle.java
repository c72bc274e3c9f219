package io.perennial.local.bench.lifelong;

import io.perennial.formats.spec.ModelFamilySpec;
import io.perennial.learning.ContinualLearner;
import io.perennial.learning.data.LabeledData;
import io.perennial.learning.evaluation.Evaluator;
import io.perennial.learning.model.LayerDelta;
import io.perennial.learning.model.Network;
import io.perennial.learning.training.TrainingConfig;
import io.perennial.learning.training.listener.TrainingListener;
import io.perennial.local.bench.lifelong.LifelongScenario.Stretch;
import io.perennial.local.demo.DemoData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-regime oracle the lifelong benchmark compares serving accuracy with: for each distribution the stream
 * visits (shift and class priors), the stream's own model family trained offline on everything the stream carried
 * of that distribution, evaluated on each of its stretches' test slices. It sees all of a regime's data at once and
 * knows which regime each sample is in: an upper bound no replay-free online learner is expected to beat.
 */
final class Oracle {

    private Oracle() {
    }

    /**
     * @return per stretch, the oracle's accuracy on its test slice
     */
    static double[] accuracies(LifelongScenario scenario, DemoData data, ModelFamilySpec family, TrainingConfig cfg) {
        Map<String, List<Integer>> stretchesOf = new LinkedHashMap<>();
        for (int i = 0; i < scenario.stretches().size(); i++) {
            stretchesOf.computeIfAbsent(key(scenario.stretches().get(i)), k -> new ArrayList<>()).add(i);
        }
        double[] out = new double[scenario.stretches().size()];
        for (List<Integer> members : stretchesOf.values()) {
            List<LabeledData> parts = new ArrayList<>();
            for (int i : members) {
                // Gradual stretches mix two regimes; the oracle of where they end learns the pure target only.
                if (scenario.stretches().get(i).kind() != LifelongScenario.Kind.GRADUAL) {
                    parts.add(data.regimes().get(i).stream());
                }
            }
            if (parts.isEmpty()) {
                parts.add(data.regimes().get(members.get(0)).stream());
            }
            Map.Entry<Network, ?> trained = ContinualLearner.trainNetwork(family, LabeledData.concat(parts), cfg,
                    TrainingListener.NONE);
            try (Network net = trained.getKey()) {
                for (int i : members) {
                    LabeledData test = data.regimes().get(i).test();
                    out[i] = Evaluator.predict(net, LayerDelta.NONE, test).accuracy(test.labels());
                }
            }
        }
        return out;
    }

    /** Stretches with the same key share one distribution, so one oracle. */
    private static String key(Stretch s) {
        return s.regime() + "|" + s.skew();
    }
}
