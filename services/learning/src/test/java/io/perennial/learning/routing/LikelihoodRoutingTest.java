package io.perennial.learning.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.perennial.formats.safetensors.Safetensors;
import io.perennial.formats.safetensors.SafetensorsFile;
import io.perennial.learning.device.Devices;

/** Routing by per-class Gaussian likelihood, the fallback to the base, and old router files. */
class LikelihoodRoutingTest {

    private static final int D = 6;

    /** Two classes at ±3 on axis 0, shifted by {@code offset} on axis 1, spread {@code sd}. */
    private static float[] regime(int n, double offset, double sd, int[] labels, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * D];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            for (int j = 0; j < D; j++) {
                double mean = j == 0 ? (labels[i] == 0 ? -3 : 3) : j == 1 ? offset : 0;
                x[i * D + j] = (float) (mean + sd * r.nextGaussian());
            }
        }
        return x;
    }

    private static AdapterRouter router(double share) {
        AdapterRouter router = new AdapterRouter(D, new RouterConfig(0, Double.NaN, 0.99, 1.0, true, share));
        int[] y = new int[600];
        router.addRegime("base", regime(600, 0, 3.0, y, 1), y, 2);
        router.addRegime("narrow", regime(600, 4, 0.5, y, 2), y, 2);
        return router;
    }

    private static double share(AdapterRouter router, float[] x, int n, int regime) {
        try (NDManager m = NDManager.newBaseManager(Devices.select()); NDScope scope = new NDScope()) {
            int[] a = router.route(m.create(x, new Shape(n, D))).assignment();
            return java.util.Arrays.stream(a).filter(v -> v == regime).count() / (double) n;
        }
    }

    @Test
    void aBroadRegimeNoLongerClaimsANarrowRegimesRows() {
        int[] y = new int[400];
        float[] broadRows = regime(400, 0, 3.0, y, 11);
        float[] narrowRows = regime(400, 4, 0.5, y, 12);
        try (AdapterRouter legacy = router(0); AdapterRouter likelihood = router(0.5)) {
            // the pooled Mahalanobis distance ignores the spread: narrow rows sit well inside the broad regime
            double legacyNarrow = share(legacy, narrowRows, 400, 1);
            double likeNarrow = share(likelihood, narrowRows, 400, 1);
            double likeBroad = share(likelihood, broadRows, 400, 0);
            System.out.printf("narrow rows routed right: legacy %.3f, likelihood %.3f; broad rows: likelihood %.3f%n", legacyNarrow,
                    likeNarrow, likeBroad);
            assertThat(legacyNarrow).isLessThan(0.5);
            assertThat(likeNarrow).isGreaterThan(0.99);
            assertThat(likeBroad).isGreaterThan(0.95);
        }
    }

    @Test
    void rowsFarFromEveryRoutedRegimeGoToTheBase() throws Exception {
        float[] far = new float[D];
        far[1] = 60; // far outside both regimes; the broad adapter regime is the likelier of the two
        int[] y = new int[600];
        float[] narrowBase = regime(600, 0, 0.5, y, 1);
        float[] broadAdapter = regime(600, 4, 3.0, y, 2);
        try (AdapterRouter likelihood = new AdapterRouter(D, new RouterConfig(0, Double.NaN, 0.99, 1.0, true, 0.5));
                AdapterRouter legacy = new AdapterRouter(D, new RouterConfig(0, Double.NaN, 0.99, 1.0, true, 0));
                NDManager m = NDManager.newBaseManager(Devices.select()); NDScope scope = new NDScope()) {
            for (AdapterRouter r : new AdapterRouter[] {likelihood, legacy}) {
                r.addRegime("base", narrowBase, y, 2);
                r.addRegime("broad", broadAdapter, y, 2);
            }
            float[] scores = likelihood.likelihoodScores(m.create(far, new Shape(1, D)));
            assertThat(scores[1]).as("the broad regime is the likelier one").isLessThan(scores[0]);
            Routing r = likelihood.route(m.create(far, new Shape(1, D)));
            assertThat(r.assignment()).containsExactly(0);
            assertThat(r.novel()).containsExactly(true);
            // without the fallback the nearest regime takes it
            assertThat(legacy.route(m.create(far, new Shape(1, D))).assignment()).containsExactly(1);
            // in-regime rows are not sent to the base: at most the fallback quantile's share of them
            float[] broadRows = regime(1000, 4, 3.0, new int[1000], 14);
            assertThat(share(likelihood, broadRows, 1000, 1)).isGreaterThan(0.97);
            // an archived regime never takes rows, but the assessment's routing still sees it
            likelihood.setArchived("broad", true);
            assertThat(likelihood.route(m.create(broadRows, new Shape(1000, D))).assignment()).containsOnly(0);
            int[] all = likelihood.route(m.create(broadRows, new Shape(1000, D)), true).assignment();
            assertThat(java.util.Arrays.stream(all).filter(v -> v == 1).count()).isGreaterThan(970);
        }
    }

    @Test
    void savedRoutersRouteAlikeAndOldFilesKeepTheOldRule() throws Exception {
        int[] y = new int[300];
        float[] rows = new float[600 * D];
        System.arraycopy(regime(300, 0, 3.0, y, 21), 0, rows, 0, 300 * D);
        System.arraycopy(regime(300, 4, 0.5, y, 22), 0, rows, 300 * D, 300 * D);
        try (AdapterRouter likelihood = router(0.5); AdapterRouter legacy = router(0);
                NDManager m = NDManager.newBaseManager(Devices.select()); NDScope scope = new NDScope()) {
            try (AdapterRouter back = AdapterRouter.fromSafetensors(Safetensors.read(Safetensors.toBytes(likelihood.toSafetensors())))) {
                assertThat(back.config().classCovarianceShare()).isEqualTo(0.5);
                assertThat(back.route(m.create(rows, new Shape(600, D))).assignment())
                        .containsExactly(likelihood.route(m.create(rows, new Shape(600, D))).assignment());
            }
            // a file written before likelihood routing: no share, no class covariances, no reference
            SafetensorsFile file = legacy.toSafetensors();
            SafetensorsFile.Builder old = SafetensorsFile.builder();
            file.metadata().forEach((k, v) -> {
                if (!k.equals("class_covariance_share")) {
                    old.putMetadata(k, v);
                }
            });
            file.tensors().forEach((k, v) -> {
                if (!k.endsWith(".reference") && !k.endsWith(".class_covariances")) {
                    old.put(k, v);
                }
            });
            try (AdapterRouter back = AdapterRouter.fromSafetensors(old.build())) {
                assertThat(back.config().likelihoodRouting()).isFalse();
                assertThat(back.route(m.create(rows, new Shape(600, D))).assignment())
                        .containsExactly(legacy.route(m.create(rows, new Shape(600, D))).assignment());
            }
        }
    }
}
