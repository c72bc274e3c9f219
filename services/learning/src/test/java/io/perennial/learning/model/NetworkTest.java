package io.perennial.learning.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.perennial.formats.spec.Activation;
import io.perennial.formats.spec.CnnSpec;
import io.perennial.formats.spec.MlpSpec;
import io.perennial.learning.device.Devices;

class NetworkTest {

    private static final MlpSpec MLP = new MlpSpec(6, List.of(5), 3, Activation.RELU);

    @Test
    void sameSeedGivesIdenticalWeightsAndOutputs() {
        try (Network a = Network.initialize(MLP, 7); Network b = Network.initialize(MLP, 7); Network c = Network.initialize(MLP, 8);
                NDManager m = NDManager.newBaseManager(Devices.select())) {
            assertThat(a.weights().get("fc1.weight")).isEqualTo(b.weights().get("fc1.weight"));
            assertThat(a.weights().get("fc1.weight")).isNotEqualTo(c.weights().get("fc1.weight"));
            NDArray x = a.toInput(m, new float[] {1, 2, 3, 4, 5, 6, 0, 0, 0, 0, 0, 1}, 2);
            assertThat(a.logits(x, LayerDelta.NONE).toFloatArray()).isEqualTo(b.logits(x, LayerDelta.NONE).toFloatArray());
            assertThat(a.fingerprint()).isEqualTo(b.fingerprint()).isNotEqualTo(c.fingerprint()).startsWith("perennial:mlp@sha256:");
        }
    }

    @Test
    void mlpForwardMatchesAHandComputation() {
        // fc1: W = [[1, -1], [0, 2]], b = [0, -1]; fc2: W = [[1, 1]], plus a second class row [[0, 1]]
        MlpSpec spec = new MlpSpec(2, List.of(2), 2, Activation.RELU);
        Map<String, float[]> w = Map.of(
                "fc1.weight", new float[] {1, -1, 0, 2}, "fc1.bias", new float[] {0, -1},
                "fc2.weight", new float[] {1, 1, 0, 1}, "fc2.bias", new float[] {0.5f, 0});
        try (Network n = Network.fromWeights(spec, w); NDManager m = NDManager.newBaseManager(Devices.select())) {
            // x = [3, 1]: z1 = [2, 1] -> relu [2, 1] -> logits [2 + 1 + 0.5, 1] = [3.5, 1]
            Network.Outputs out = n.forward(n.toInput(m, new float[] {3, 1}, 1), LayerDelta.NONE);
            assertThat(out.logits().toFloatArray()).containsExactly(3.5f, 1f);
            assertThat(out.features().toFloatArray()).containsExactly(2f, 1f);
        }
    }

    @Test
    void cnnForwardHasTheSpecsShapes() {
        CnnSpec spec = new CnnSpec(1, 8, 8, List.of(4, 6), 3, 16, 10, null);
        try (Network n = Network.initialize(spec, 1); NDManager m = NDManager.newBaseManager(Devices.select())) {
            Network.Outputs out = n.forward(n.toInput(m, new float[3 * 64], 3), LayerDelta.NONE);
            assertThat(out.logits().getShape().getShape()).containsExactly(3, 10);
            assertThat(out.features().getShape().getShape()).containsExactly(3, 16);
            assertThat(n.trunk(n.toInput(m, new float[64], 1)).h0().getShape().getShape()).containsExactly(1, 6 * 2 * 2);
        }
    }

    @Test
    void saveAndLoadRoundTrip(@TempDir Path dir) throws Exception {
        try (Network n = Network.initialize(MLP, 3)) {
            BaseModelIO.save(n, dir);
            try (Network back = BaseModelIO.load(dir)) {
                assertThat(back.spec()).isEqualTo(MLP);
                assertThat(back.fingerprint()).isEqualTo(n.fingerprint());
            }
        }
    }

    @Test
    void rejectsWeightsThatDoNotFitTheSpec() {
        assertThatThrownBy(() -> Network.fromWeights(MLP, Map.of("fc1.weight", new float[30])))
                .hasMessageContaining("shape mismatch: weights lack parameter 'fc1.bias'");
        float[] bad = new float[30];
        bad[4] = Float.NaN;
        assertThatThrownBy(() -> Network.fromWeights(MLP, Map.of("fc1.weight", bad, "fc1.bias", new float[5],
                "fc2.weight", new float[15], "fc2.bias", new float[3])))
                .hasMessageContaining("non-finite value in weight 'fc1.weight': element 4 is NaN");
        assertThatThrownBy(() -> Network.fromWeights(MLP, Map.of("fc1.weight", new float[29], "fc1.bias", new float[5],
                "fc2.weight", new float[15], "fc2.bias", new float[3])))
                .hasMessageContaining("parameter 'fc1.weight' has 29 values but the spec's shape [5, 6] needs 30");
        assertThatThrownBy(() -> Network.fromWeights(MLP, Map.of("conv1.weight", new float[1])))
                .hasMessageContaining("weights contain 'conv1.weight'");
        try (Network n = Network.initialize(MLP, 1); NDManager m = NDManager.newBaseManager(Devices.select())) {
            assertThatThrownBy(() -> n.toInput(m, new float[10], 2))
                    .hasMessageContaining("shape mismatch: model family 'mlp' expects 6 features per sample");
        }
    }
}
