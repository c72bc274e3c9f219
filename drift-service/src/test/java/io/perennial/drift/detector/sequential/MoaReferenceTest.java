package io.perennial.drift.detector.sequential;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** ADWIN and DDM against MOA's implementations (test scope only) on the same streams. */
class MoaReferenceTest {

    static double[] stream(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] rates = {0.1, 0.3, 0.05, 0.5, 0.2};
        double[] xs = new double[25_000];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = r.nextDouble() < rates[i / 5000] ? 1 : 0;
        }
        return xs;
    }

    @Test
    void adwinSignalsAtTheSameValuesWithTheSameWindowAsMoa() {
        for (long seed = 0; seed < 5; seed++) {
            double[] xs = stream(seed);
            moa.classifiers.core.driftdetection.ADWIN reference = new moa.classifiers.core.driftdetection.ADWIN(0.002);
            Adwin adwin = Adwin.withDelta(0.002);
            List<Integer> ours = new ArrayList<>();
            List<Integer> theirs = new ArrayList<>();
            for (int i = 0; i < xs.length; i++) {
                if (adwin.update(xs[i])) {
                    ours.add(i);
                }
                if (reference.setInput(xs[i])) {
                    theirs.add(i);
                }
                assertThat(adwin.width()).as("seed %d value %d", seed, i).isEqualTo(reference.getWidth());
            }
            assertThat(ours).as("seed " + seed).isNotEmpty().isEqualTo(theirs);
            assertThat(adwin.mean()).isCloseTo(reference.getEstimation(),
                    org.assertj.core.api.Assertions.within(1e-9));
        }
    }

    @Test
    void ddmSignalsAtTheSameValuesAsMoa() {
        for (long seed = 0; seed < 5; seed++) {
            double[] xs = stream(seed);
            moa.classifiers.core.driftdetection.DDM reference = new moa.classifiers.core.driftdetection.DDM();
            reference.prepareForUse();
            Ddm ddm = Ddm.defaults();
            List<Integer> ours = new ArrayList<>();
            List<Integer> theirs = new ArrayList<>();
            for (int i = 0; i < xs.length; i++) {
                if (ddm.update(xs[i])) {
                    ours.add(i);
                }
                reference.input(xs[i]);
                if (reference.getChange()) {
                    theirs.add(i);
                }
            }
            assertThat(ours).as("seed " + seed).isNotEmpty().isEqualTo(theirs);
        }
    }
}
