package io.perennial.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.perennial.formats.safetensors.Safetensors;
import io.perennial.learning.device.Devices;
import io.perennial.learning.lora.AdapterIO;
import io.perennial.learning.lora.LoraAdapter;
import io.perennial.learning.lora.LoraAdapters;
import io.perennial.learning.model.BaseModelIO;
import io.perennial.learning.model.LayerDelta;
import io.perennial.learning.model.Network;

/** Files written by release 0.1 (format version 1) must keep loading. */
class SavedFormatCompatibilityTest {

    private static Path fixture(String name) throws Exception {
        return Path.of(SavedFormatCompatibilityTest.class.getResource("/fixtures/v1/" + name).toURI());
    }

    @Test
    void version1BaseAndAdapterStillLoadAndAgree() throws Exception {
        try (Network base = BaseModelIO.load(fixture("base"));
                LoraAdapter adapter = AdapterIO.load(fixture("adapter"), base.spec());
                Network initialised = Network.initialize(base.spec(), 1);
                Network folded = LoraAdapters.fold(base, List.of(adapter));
                NDManager m = NDManager.newBaseManager(Devices.select())) {
            String recorded = Safetensors.read(fixture("base").resolve(BaseModelIO.WEIGHTS_FILE)).metadata().get("perennial.fingerprint");
            assertThat(base.fingerprint()).isEqualTo(recorded).isEqualTo(adapter.baseFingerprint());
            // the fixture was the seed-1 initialisation: initialisation is stable across releases
            assertThat(initialised.fingerprint()).isEqualTo(recorded);
            assertThat(adapter.name()).isEqualTo("fixture-adapter");
            NDArray x = base.toInput(m, new float[] {0.1f, 0.5f, -0.3f, 2f, 1f, 0f, 0f, -1f}, 2);
            float[] adapted = base.logits(x, adapter).toFloatArray();
            float[] merged = folded.logits(x, LayerDelta.NONE).toFloatArray();
            for (int i = 0; i < adapted.length; i++) {
                assertThat((double) merged[i]).isCloseTo(adapted[i], within(1e-5));
            }
        }
    }
}
