package io.perennial.learning.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.perennial.formats.safetensors.Safetensors;
import io.perennial.formats.safetensors.SafetensorsFile;
import io.perennial.formats.spec.Activation;
import io.perennial.formats.spec.AdapterConfig;
import io.perennial.formats.spec.CnnSpec;
import io.perennial.formats.spec.MlpSpec;
import io.perennial.formats.spec.ModelFamilySpec;
import io.perennial.formats.spec.PeftNames;
import io.perennial.formats.spec.SpecJson;
import io.perennial.learning.device.Devices;
import io.perennial.learning.model.LayerDelta;
import io.perennial.learning.model.Network;

class LoraAdapterTest {

    private static final MlpSpec MLP = new MlpSpec(12, List.of(9), 4, Activation.RELU);
    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager(Devices.select());
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    /** An adapter with random, non-zero B (a fresh adapter has B = 0). */
    static LoraAdapter randomAdapter(String name, Network base, int r, double alpha, List<String> targets, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, float[]> as = new LinkedHashMap<>();
        Map<String, float[]> bs = new LinkedHashMap<>();
        for (String t : targets) {
            var l = base.spec().linearLayer(t);
            float[] a = new float[r * l.in()];
            float[] b = new float[l.out() * r];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) rnd.nextGaussian() * 0.3f;
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) rnd.nextGaussian() * 0.3f;
            }
            as.put(t, a);
            bs.put(t, b);
        }
        return LoraAdapter.fromWeights(name, base.spec(), AdapterConfig.of(r, alpha, targets, base.fingerprint()), as, bs);
    }

    private static float[] randomInput(int n, int d, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble();
        }
        return x;
    }

    @Test
    void deltaWeightIsAlphaOverRTimesBA() {
        // r = 2, alpha = 1 -> s = 0.5 ; A = [[1, 0, 2], [0, 1, 0]] (2x3), B = [[1, 2], [3, 4]] (2x2)
        MlpSpec spec = new MlpSpec(3, List.of(), 2, Activation.RELU);
        try (Network base = Network.initialize(spec, 1);
                LoraAdapter a = LoraAdapter.fromWeights("x", spec, AdapterConfig.of(2, 1, List.of("fc1"), base.fingerprint()),
                        Map.of("fc1", new float[] {1, 0, 2, 0, 1, 0}), Map.of("fc1", new float[] {1, 2, 3, 4}))) {
            // B·A = [[1, 2, 2], [3, 4, 6]] ; × 0.5
            double[][] d = a.deltaWeight("fc1");
            assertThat(d[0]).containsExactly(0.5, 1.0, 1.0);
            assertThat(d[1]).containsExactly(1.5, 2.0, 3.0);
            assertThat(a.parameterCount()).isEqualTo(2 * (3 + 2));
        }
    }

    @Test
    void newAdapterIsTheIdentityAndFrozenBaseIsUntouched() {
        try (Network base = Network.initialize(MLP, 1); LoraAdapter a = LoraAdapter.create("a", base, 4, 8, List.of("fc1", "fc2"), 3)) {
            NDArray x = base.toInput(manager, randomInput(5, 12, 1), 5);
            assertThat(base.logits(x, a).toFloatArray()).isEqualTo(base.logits(x, LayerDelta.NONE).toFloatArray());
            assertThat(a.bWeights().get("fc1")).containsOnly(0f);
        }
    }

    @Test
    void foldingIsExactForMlpAndCnn() {
        for (ModelFamilySpec spec : List.of(MLP, new CnnSpec(1, 8, 8, List.of(3), 3, 12, 5, null))) {
            try (Network base = Network.initialize(spec, 2)) {
                List<String> targets = spec.linearLayers().stream().map(l -> l.name()).toList();
                try (LoraAdapter a = randomAdapter("a", base, 3, 6, targets, 5);
                        Network folded = LoraAdapters.fold(base, List.of(a))) {
                    NDArray x = base.toInput(manager, randomInput(7, spec.inputSize(), 9), 7);
                    float[] adapted = base.logits(x, a).toFloatArray();
                    float[] merged = folded.logits(x, LayerDelta.NONE).toFloatArray();
                    assertThat(adapted).isNotEqualTo(base.logits(x, LayerDelta.NONE).toFloatArray());
                    for (int i = 0; i < adapted.length; i++) {
                        assertThat((double) merged[i]).isCloseTo(adapted[i], within(1e-5));
                    }
                }
            }
        }
    }

    @Test
    void severalAdaptersOnOneBaseCanBeEnabledAndDisabled() {
        try (Network base = Network.initialize(MLP, 1);
                LoraAdapter a = randomAdapter("a", base, 2, 4, List.of("fc1"), 1);
                LoraAdapter b = randomAdapter("b", base, 3, 3, List.of("fc1", "fc2"), 2);
                Network foldedBoth = LoraAdapters.fold(base, List.of(a, b))) {
            NDArray x = base.toInput(manager, randomInput(4, 12, 3), 4);
            LayerDelta both = LoraAdapters.stack(List.of(a, b));
            float[] stacked = base.logits(x, both).toFloatArray();
            float[] folded = foldedBoth.logits(x, LayerDelta.NONE).toFloatArray();
            for (int i = 0; i < stacked.length; i++) {
                assertThat((double) folded[i]).isCloseTo(stacked[i], within(1e-5));
            }
            b.setEnabled(false);
            assertThat(base.logits(x, both).toFloatArray()).isEqualTo(base.logits(x, a).toFloatArray());
            a.setEnabled(false);
            assertThat(base.logits(x, both).toFloatArray()).isEqualTo(base.logits(x, LayerDelta.NONE).toFloatArray());
        }
    }

    @Test
    void rejectsRankLargerThanTheLayerUnknownLayersAndBadWeights() {
        try (Network base = Network.initialize(MLP, 1)) {
            assertThatThrownBy(() -> LoraAdapter.create("a", base, 5, 10, List.of("fc2"), 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("LoRA rank r=5 is larger than layer 'fc2' allows (4x9, max rank 4)");
            assertThatThrownBy(() -> LoraAdapter.create("a", base, 2, 4, List.of("fc7"), 1))
                    .hasMessageContaining("no linear layer 'fc7'");
            AdapterConfig cfg = AdapterConfig.of(2, 4, List.of("fc1"), base.fingerprint());
            assertThatThrownBy(() -> LoraAdapter.fromWeights("a", MLP, cfg, Map.of("fc1", new float[23]), Map.of("fc1", new float[18])))
                    .hasMessageContaining("shape mismatch: adapter 'a' lora_A of layer 'fc1' has 23 values, expected [2, 12]");
            float[] nan = new float[24];
            nan[3] = Float.POSITIVE_INFINITY;
            assertThatThrownBy(() -> LoraAdapter.fromWeights("a", MLP, cfg, Map.of("fc1", nan), Map.of("fc1", new float[18])))
                    .hasMessageContaining("non-finite value in adapter 'a' lora_A of layer 'fc1': element 3 is Infinity");
        }
    }

    @Test
    void savesPeftLayoutAndLoadsItBack(@TempDir Path dir) throws Exception {
        try (Network base = Network.initialize(MLP, 1); LoraAdapter a = randomAdapter("rot30", base, 2, 4, List.of("fc1", "fc2"), 7)) {
            AdapterIO.save(a, dir);
            SafetensorsFile f = Safetensors.read(dir.resolve(AdapterIO.WEIGHTS_FILE));
            assertThat(f.tensors().keySet()).containsExactly(PeftNames.loraA("fc1"), PeftNames.loraB("fc1"),
                    PeftNames.loraA("fc2"), PeftNames.loraB("fc2"));
            assertThat(f.tensor("base_model.model.fc1.lora_A.weight").shape()).containsExactly(2, 12);
            assertThat(f.tensor("base_model.model.fc1.lora_B.weight").shape()).containsExactly(9, 2);
            assertThat(Files.readString(dir.resolve("adapter_config.json"))).contains("\"r\" : 2", "\"lora_alpha\" : 4.0", "\"peft_type\" : \"LORA\"");
            try (LoraAdapter back = AdapterIO.load(dir, MLP)) {
                assertThat(back.name()).isEqualTo("rot30");
                assertThat(back.baseFingerprint()).isEqualTo(base.fingerprint());
                NDArray x = base.toInput(manager, randomInput(3, 12, 4), 3);
                assertThat(base.logits(x, back).toFloatArray()).isEqualTo(base.logits(x, a).toFloatArray());
            }
        }
    }

    @Test
    void loadingRejectsTensorsThatDisagreeWithTheConfig(@TempDir Path dir) throws Exception {
        try (Network base = Network.initialize(MLP, 1); LoraAdapter a = randomAdapter("a", base, 2, 4, List.of("fc1"), 7)) {
            AdapterIO.save(a, dir);
            // claim rank 3 in the config: the stored [2, 12] A no longer fits
            Files.writeString(dir.resolve(SpecJson.ADAPTER_CONFIG_FILE),
                    SpecJson.toJson(AdapterConfig.of(3, 4, List.of("fc1"), base.fingerprint())));
            assertThatThrownBy(() -> AdapterIO.load(dir, MLP))
                    .hasMessageContaining("shape mismatch: tensor 'base_model.model.fc1.lora_A.weight' has shape [2, 12], expected [3, 12]");
            byte[] bytes = Files.readAllBytes(dir.resolve(AdapterIO.WEIGHTS_FILE));
            Files.write(dir.resolve(AdapterIO.WEIGHTS_FILE), java.util.Arrays.copyOf(bytes, bytes.length - 3));
            assertThatThrownBy(() -> AdapterIO.load(dir, MLP)).hasMessageContaining("truncated");
        }
    }
}
