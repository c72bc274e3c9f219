package io.perennial.local.bench.lifelong;

import io.perennial.learning.data.DomainShift;
import io.perennial.learning.data.LabeledData;
import io.perennial.local.bench.lifelong.LifelongScenario.Kind;
import io.perennial.local.bench.lifelong.LifelongScenario.Stretch;
import io.perennial.local.demo.DemoData;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws the lifelong benchmark's samples: each stretch from the training pool under its regime's shift and class
 * priors, with a held-out test slice of the same distribution drawn from the test pool; a gradual stretch mixes its
 * two regimes, the share of the new one rising linearly over the stretch.
 */
public final class LifelongData {

    private LifelongData() {
    }

    /**
     * @param dataset the data set's name, with the fallback note if any
     * @param labels class names in class-index order
     * @param train pool the streamed samples are drawn from
     * @param test pool the test slices are drawn from
     * @param testPerStretch size of each stretch's test slice
     * @param seed seed of every draw
     */
    public static DemoData build(LifelongScenario scenario, String dataset, String note, List<String> labels,
            LabeledData train, LabeledData test, int testPerStretch, long seed) {
        List<DemoData.Regime> out = new ArrayList<>();
        for (int i = 0; i < scenario.stretches().size(); i++) {
            Stretch s = scenario.stretches().get(i);
            SplittableRandom random = new SplittableRandom(seed * 1_000_003L + i);
            // The stream is held after its quota until the answer serves: twice the quota keeps rows from repeating.
            int size = 2 * s.length();
            LabeledData stream = s.kind() == Kind.GRADUAL
                    ? gradual(scenario, s, train, size, random)
                    : shifted(scenario.regimes().get(s.regime()), draw(train, size, s.skew(), random));
            LabeledData slice = shifted(scenario.regimes().get(s.regime()),
                    draw(test, testPerStretch, s.skew(), random));
            out.add(new DemoData.Regime(s.name(), stream, slice, s.length(), s.kind().expectsAdaptation()));
        }
        return new DemoData(dataset, note, labels, List.copyOf(out));
    }

    /** Rows drawn with replacement, classes 0-4 {@code skew} times as likely as classes 5-9. */
    static LabeledData draw(LabeledData pool, int n, double skew, SplittableRandom random) {
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < pool.classes(); c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < pool.size(); i++) {
            byClass.get(pool.labels()[i]).add(i);
        }
        double[] weight = new double[pool.classes()];
        double total = 0;
        for (int c = 0; c < weight.length; c++) {
            weight[c] = byClass.get(c).isEmpty() ? 0 : (c < pool.classes() / 2 ? skew : 1);
            total += weight[c];
        }
        int[] rows = new int[n];
        for (int k = 0; k < n; k++) {
            double u = random.nextDouble() * total;
            int c = 0;
            while (c < weight.length - 1 && (u -= weight[c]) >= 0) {
                c++;
            }
            while (byClass.get(c).isEmpty()) {
                c = (c + 1) % weight.length;
            }
            List<Integer> members = byClass.get(c);
            rows[k] = members.get(random.nextInt(members.size()));
        }
        return pool.subset(rows);
    }

    private static LabeledData gradual(LifelongScenario scenario, Stretch s, LabeledData train, int size,
            SplittableRandom random) {
        LabeledData before = shifted(scenario.regimes().get(s.from()), draw(train, size, s.skew(), random));
        LabeledData after = shifted(scenario.regimes().get(s.regime()), draw(train, size, s.skew(), random));
        float[] features = new float[size * before.featureSize()];
        int[] labels = new int[size];
        for (int i = 0; i < size; i++) {
            double shareOfNew = Math.min(1.0, (double) i / s.length());
            LabeledData from = random.nextDouble() < shareOfNew ? after : before;
            System.arraycopy(from.row(i), 0, features, i * before.featureSize(), before.featureSize());
            labels[i] = from.labels()[i];
        }
        return LabeledData.of(features, labels, before.sampleShape(), before.classes());
    }

    private static LabeledData shifted(DomainShift shift, LabeledData images) {
        return DemoData.flat(shift.apply(images));
    }
}
