package io.perennial.learning.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.perennial.formats.safetensors.Safetensors;
import io.perennial.formats.spec.Activation;
import io.perennial.formats.spec.MlpSpec;
import io.perennial.learning.data.LabeledData;
import io.perennial.learning.device.Devices;
import io.perennial.learning.evaluation.Evaluator;
import io.perennial.learning.lora.LoraAdapter;
import io.perennial.learning.lora.LoraAdapterTestSupport;
import io.perennial.learning.model.LayerDelta;
import io.perennial.learning.model.Network;

class RoutingTest {

    private static float[] gaussian(int n, int d, double[] mean, double sd, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) (mean[j] + sd * r.nextGaussian());
            }
        }
        return x;
    }

    @Test
    void descriptorDistanceMatchesTheMahalanobisFormula() {
        // 2-D, no shrinkage: data with known covariance diag(4, 1) around mean (1, -1)
        float[] x = {3, -1, -1, -1, 1, 0, 1, -2};  // deviations (2,0), (-2,0), (0,1), (0,-1) -> S = diag(2, 0.5)
        FeatureDescriptor d = FeatureDescriptor.fit("r", x, 2, 0.0, 1.0);
        assertThat(d.mean()).containsExactly(1.0, -1.0);
        assertThat(d.covariance()[0][0]).isCloseTo(2.0, within(1e-5));
        assertThat(d.covariance()[1][1]).isCloseTo(0.5, within(1e-5));
        // f = (3, 0): z = (2, 1); z^T S^-1 z = 4/2 + 1/0.5 = 4 ; normalised by D = 2 -> 2
        assertThat(d.distance(new double[] {3, 0})).isCloseTo(2.0, within(1e-4));
        // full shrinkage: Σ = μI with μ = tr(S)/D = 1.25 -> (4 + 1)/1.25/2 = 2
        FeatureDescriptor s = FeatureDescriptor.fit("s", x, 2, 1.0, 1.0);
        assertThat(s.distance(new double[] {3, 0})).isCloseTo(2.0, within(1e-4));
        assertThat(s.covariance()[0][1]).isCloseTo(0.0, within(1e-9));
        // Ledoit–Wolf picks a shrinkage in [0, 1]
        FeatureDescriptor lw = FeatureDescriptor.fit("lw", gaussian(50, 8, new double[8], 1, 1), 8, Double.NaN, 0.99);
        assertThat(lw.shrinkage()).isBetween(0.0, 1.0);
        assertThatThrownBy(() -> FeatureDescriptor.fit("e", new float[2], 2, 0, 0.9)).hasMessageContaining("empty segment");
    }

    @Test
    void classConditionalDescriptorMeasuresTheDistanceToTheNearestClassMean() throws Exception {
        // two classes at (-5, 0) and (5, 0), within-class deviations (±1, 0) and (0, ±1): pooled S = diag(0.5, 0.5)
        float[] x = {-4, 0, -6, 0, -5, 1, -5, -1, 6, 0, 4, 0, 5, 1, 5, -1};
        int[] y = {0, 0, 0, 0, 1, 1, 1, 1};
        FeatureDescriptor cc = FeatureDescriptor.fit("cc", x, y, 2, 0.0, 1.0);
        FeatureDescriptor plain = FeatureDescriptor.fit("plain", x, null, 2, 0.0, 1.0);
        assertThat(cc.means()).hasNumberOfRows(2);
        assertThat(cc.covariance()[0][0]).isCloseTo(0.5, within(1e-5));
        // (0, 0) sits between the classes: 5^2 / 0.5 / 2 = 25 from either class mean
        assertThat(cc.distance(new double[] {0, 0})).isCloseTo(25.0, within(1e-3));
        // (5, 1) is a typical class-1 point: 1 / 0.5 / 2 = 1
        assertThat(cc.distance(new double[] {5, 1})).isCloseTo(1.0, within(1e-3));
        // the single Gaussian sees the gap as ordinary (its x variance is 25.5)
        assertThat(plain.distance(new double[] {0, 0})).isLessThan(1.0);
        AdapterRouter router = new AdapterRouter(2, new RouterConfig(0, 0.0, 1.0, 1.0, true));
        router.addRegime("cc", x, y);
        try (NDManager m = NDManager.newBaseManager(Devices.select()); NDScope scope = new NDScope()) {
            float[] d = router.distances(m.create(new float[] {0, 0, 5, 1, -5, -2}, new Shape(3, 2))).toFloatArray();
            assertThat((double) d[0]).isCloseTo(25.0, within(1e-3));
            assertThat((double) d[1]).isCloseTo(1.0, within(1e-3));
            assertThat((double) d[2]).isCloseTo(cc.distance(new double[] {-5, -2}), within(1e-3));
            AdapterRouter back = AdapterRouter.fromSafetensors(Safetensors.read(Safetensors.toBytes(router.toSafetensors())));
            assertThat(back.descriptors().get(0).means()).hasNumberOfRows(2);
            assertThat(back.config().classConditional()).isTrue();
            back.close();
        }
        router.close();
    }

    @Test
    void routerPicksTheNearestRegimeAndFlagsNovelInputs() throws Exception {
        int d = 6;
        AdapterRouter router = new AdapterRouter(d, new RouterConfig(0, Double.NaN, 0.99, 1.0));
        double[] m0 = new double[d];
        double[] m1 = new double[d];
        double[] far = new double[d];
        for (int j = 0; j < d; j++) {
            m1[j] = 3;
            far[j] = -40;
        }
        router.addRegime("a", gaussian(400, d, m0, 1, 1));
        router.addRegime("b", gaussian(400, d, m1, 1, 2));
        try (NDManager m = NDManager.newBaseManager(Devices.select()); NDScope scope = new NDScope()) {
            float[] test = new float[3 * d];
            System.arraycopy(gaussian(1, d, m0, 1, 9), 0, test, 0, d);
            System.arraycopy(gaussian(1, d, m1, 1, 10), 0, test, d, d);
            System.arraycopy(gaussian(1, d, far, 1, 11), 0, test, 2 * d, d);
            Routing r = router.route(m.create(test, new Shape(3, d)));
            assertThat(r.assignment()).containsExactly(0, 1, 0);
            assertThat(r.novel()).containsExactly(false, false, true);
            assertThat(r.novelty()[2]).isGreaterThan(100f);
            float[] w = r.softWeights(1.0);
            assertThat(w[0]).isGreaterThan(0.9f);
            assertThat(w[0] + w[1]).isCloseTo(1f, within(1e-6f));
            // NDArray distances agree with the Java formula
            double[] f0 = new double[d];
            for (int j = 0; j < d; j++) {
                f0[j] = test[j];
            }
            assertThat((double) r.distances()[1]).isCloseTo(router.descriptors().get(1).distance(f0), within(1e-3));
            // save and restore
            AdapterRouter back = AdapterRouter.fromSafetensors(Safetensors.read(Safetensors.toBytes(router.toSafetensors())));
            assertThat(back.regimeNames()).containsExactly("a", "b");
            assertThat(back.route(m.create(test, new Shape(3, d))).assignment()).containsExactly(0, 1, 0);
            back.close();
        }
        assertThatThrownBy(() -> router.addRegime("a", gaussian(10, d, m0, 1, 3))).hasMessageContaining("already routed");
        router.close();
    }

    @Test
    void groupedRoutingEqualsPerAdapterPassesAndSingleAdapterOutputs() {
        MlpSpec spec = new MlpSpec(10, List.of(16), 4, Activation.RELU);
        try (Network base = Network.initialize(spec, 1);
                LoraAdapter a = LoraAdapterTestSupport.random("a", base, 2, 4, List.of("fc1", "fc2"), 1);
                LoraAdapter b = LoraAdapterTestSupport.random("b", base, 3, 3, List.of("fc1"), 2);
                AdapterRouter router = new AdapterRouter(16, new RouterConfig(8, Double.NaN, 0.99, 1.0))) {
            RoutedModel model = new RoutedModel(base, router);
            double[] m0 = new double[10];
            double[] m1 = new double[10];
            double[] m2 = new double[10];
            for (int j = 0; j < 10; j++) {
                m1[j] = j % 2 == 0 ? 4 : -4;
                m2[j] = -3 + j;
            }
            LabeledData r0 = LabeledData.of(gaussian(200, 10, m0, 0.5, 1), new int[200], new int[] {10}, 4);
            LabeledData r1 = LabeledData.of(gaussian(200, 10, m1, 0.5, 2), new int[200], new int[] {10}, 4);
            LabeledData r2 = LabeledData.of(gaussian(200, 10, m2, 0.5, 3), new int[200], new int[] {10}, 4);
            model.addRegime("base", null, r0);
            model.addRegime("a", a, r1);
            model.addRegime("b", b, r2);
            int[] perm = LabeledData.permutation(90, 4);
            LabeledData batch = LabeledData.concat(List.of(r0.range(0, 30), r1.range(0, 30), r2.range(0, 30))).subset(perm);
            RoutedPredictions grouped = model.predict(batch, RoutingMode.HARD);
            RoutedPredictions per = model.predictPerAdapter(batch);
            assertThat(grouped.predictions().classes()).containsExactly(per.predictions().classes());
            float[] gp = grouped.predictions().probabilities();
            float[] pp = per.predictions().probabilities();
            for (int i = 0; i < gp.length; i++) {
                assertThat(gp[i]).isCloseTo(pp[i], within(1e-5f));
            }
            // each row equals the single-adapter model it was routed to
            float[] viaA = Evaluator.predict(base, a, batch).probabilities();
            float[] viaB = Evaluator.predict(base, b, batch).probabilities();
            float[] viaBase = Evaluator.predict(base, LayerDelta.NONE, batch).probabilities();
            for (int i = 0; i < batch.size(); i++) {
                float[] ref = switch (grouped.regimeOf(i)) {
                    case "a" -> viaA;
                    case "b" -> viaB;
                    default -> viaBase;
                };
                for (int k = 0; k < 4; k++) {
                    assertThat(gp[i * 4 + k]).isCloseTo(ref[i * 4 + k], within(1e-5f));
                }
            }
            // rows are routed to the regime they came from
            String[] names = {"base", "a", "b"};
            for (int i = 0; i < batch.size(); i++) {
                assertThat(grouped.regimeOf(i)).isEqualTo(names[perm[i] / 30]);
            }
            RoutedPredictions soft = model.predict(batch, RoutingMode.SOFT);
            assertThat(soft.predictions().size()).isEqualTo(batch.size());
            assertThatThrownBy(() -> model.addRegime("empty", null, r0.range(0, 0))).hasMessageContaining("empty segment");
        }
    }
}
