package io.perennial.local.demo;

import io.perennial.learning.data.DomainShift;
import io.perennial.learning.data.FashionMnist;
import io.perennial.learning.data.LabeledData;
import io.perennial.learning.data.TrainTestSplit;
import io.perennial.learning.data.UciDigits;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's drifting stream: disjoint slices of one data set, each transformed by its regime's shift, with a
 * held-out test slice per regime for measuring accuracy.
 *
 * @param dataset which data set was used
 * @param note why, when it is the fallback
 * @param labels class names in class-index order
 * @param regimes in stream order
 */
public record DemoData(String dataset, String note, List<String> labels, List<Regime> regimes) {

    /**
     * One stretch of the stream.
     *
     * @param stream the samples streamed (cycled when the stretch is held longer than its size)
     * @param test held-out samples of the same distribution, predicted to measure accuracy
     * @param quota samples streamed before the run waits for adaptation
     * @param expectsAdaptation whether the platform should answer this stretch with a new production version; a
     *     stretch that expects none (the stream stays in its regime) is streamed for exactly its quota
     */
    public record Regime(String name, LabeledData stream, LabeledData test, int quota, boolean expectsAdaptation) {

        /** A stretch that expects adaptation, streamed for {@code quota} samples before the run waits for it. */
        public Regime(String name, LabeledData stream, LabeledData test, int quota) {
            this(name, stream, test, quota, true);
        }
    }

    /** Fashion-MNIST's class names in class-index order. */
    public static final List<String> FASHION_LABELS = List.of("t-shirt", "trouser", "pullover", "dress", "coat", "sandal",
            "shirt", "sneaker", "bag", "ankle-boot");

    /** The shifts in order: upright, rotated, noisy, rotated further. */
    static List<DomainShift> shifts(int count) {
        List<DomainShift> all = List.of(DomainShift.identity(), DomainShift.rotation(90),
                DomainShift.gaussianNoise(0.6, 11), DomainShift.rotation(180));
        return all.subList(0, Math.min(count, all.size()));
    }

    static String nameOf(int regime) {
        return List.of("upright", "rotated-90", "noisy", "rotated-180").get(regime);
    }

    /**
     * Loads Fashion-MNIST from {@code dir}, or the shipped UCI digits when it is absent.
     *
     * @param regimes how many regimes (1 to 4)
     * @param streamPerRegime samples streamed per regime
     * @param testPerRegime held-out samples per regime
     */
    public static DemoData load(Path dir, int regimes, int streamPerRegime, int testPerRegime, boolean forceDigits)
            throws IOException {
        LabeledData train;
        LabeledData test;
        String dataset;
        String note = null;
        List<String> labels;
        if (!forceDigits && FashionMnist.isAvailable(dir)) {
            TrainTestSplit split = FashionMnist.load(dir, regimes * streamPerRegime, regimes * testPerRegime);
            train = split.train();
            test = split.test();
            dataset = "Fashion-MNIST";
            labels = FASHION_LABELS;
        } else {
            TrainTestSplit split = UciDigits.split(0.3, 7);
            train = split.train();
            test = split.test();
            dataset = "UCI digits (8x8)";
            note = forceDigits ? "digits requested" : "Fashion-MNIST is not installed in " + dir
                    + " (apt-get install dataset-fashion-mnist); using the shipped UCI digits fixture instead";
            labels = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
            // The fixture is small: regimes reuse images, each under its own shift.
            streamPerRegime = Math.min(streamPerRegime, train.size());
            testPerRegime = Math.min(testPerRegime, test.size());
        }
        List<Regime> out = new ArrayList<>();
        List<DomainShift> shifts = shifts(regimes);
        for (int r = 0; r < shifts.size(); r++) {
            LabeledData s = slice(train, r, streamPerRegime).shuffled(100 + r);
            LabeledData t = slice(test, r, testPerRegime);
            out.add(new Regime(nameOf(r), flat(shifts.get(r).apply(s)), flat(shifts.get(r).apply(t)),
                    streamPerRegime));
        }
        return new DemoData(dataset, note, labels, List.copyOf(out));
    }

    private static LabeledData slice(LabeledData all, int index, int size) {
        int from = (index * size) % Math.max(1, all.size() - size + 1);
        return all.range(from, Math.min(all.size(), from + size));
    }

    /** The samples as flat feature vectors, as the stream declares them. */
    public static LabeledData flat(LabeledData d) {
        return d.sampleShape().length == 1 ? d : d.reshape(d.featureSize());
    }

    /** Features per sample. */
    public int featureCount() {
        return regimes.get(0).stream().featureSize();
    }
}
