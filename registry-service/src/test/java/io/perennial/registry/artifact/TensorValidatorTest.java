package io.perennial.registry.artifact;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.perennial.formats.safetensors.DType;
import io.perennial.formats.safetensors.SafetensorsHeader;
import io.perennial.formats.safetensors.TensorInfo;
import io.perennial.formats.spec.ModelFamilySpec;
import io.perennial.formats.spec.PeftNames;
import io.perennial.formats.spec.SpecJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TensorValidatorTest {

    static final ModelFamilySpec MLP = SpecJson.modelSpecFromJson(
            "{\"family\":\"mlp\",\"input_dim\":6,\"hidden\":[4],\"classes\":3}");
    static final ModelFamilySpec CNN = SpecJson.modelSpecFromJson("{\"family\":\"cnn\",\"channels\":1,\"height\":8,"
            + "\"width\":8,\"conv_channels\":[2],\"kernel_size\":3,\"hidden\":5,\"classes\":3}");

    @Test
    void completeWeightsOfEveryFamilyPass() {
        for (ModelFamilySpec spec : List.of(MLP, CNN)) {
            assertThatCode(() -> TensorValidator.validate(header(spec.parameterShapes(), DType.F32),
                    ArtifactKind.WEIGHTS, spec)).doesNotThrowAnyException();
        }
        assertThatCode(() -> TensorValidator.validate(header(MLP.parameterShapes(), DType.BF16), ArtifactKind.WEIGHTS,
                MLP)).doesNotThrowAnyException();
    }

    @Test
    void weightsWithWrongDtypeUnknownOrMissingTensorsFail() {
        assertThatThrownBy(() -> TensorValidator.validate(header(MLP.parameterShapes(), DType.I32),
                ArtifactKind.WEIGHTS, MLP)).hasMessageContaining("dtype I32");
        assertThatThrownBy(() -> TensorValidator.validate(header(Map.of("fc9.weight", new long[] {1, 1}), DType.F32),
                ArtifactKind.WEIGHTS, MLP)).hasMessageContaining("'fc9.weight' is not a parameter");
        assertThatThrownBy(() -> TensorValidator.validate(header(Map.of("fc1.weight", new long[] {4, 6}), DType.F32),
                ArtifactKind.WEIGHTS, MLP)).hasMessageContaining("lack parameters [fc1.bias, fc2.bias, fc2.weight]");
        assertThatThrownBy(() -> TensorValidator.validate(header(Map.of("fc1.weight", new long[] {6, 4}), DType.F32),
                ArtifactKind.WEIGHTS, MLP)).hasMessageContaining("shape [6, 4]").hasMessageContaining("[4, 6]");
    }

    @Test
    void adaptersNeedMatchingPairsOfTheFamilysLinearLayers() {
        assertThatCode(() -> TensorValidator.validate(header(Map.of(PeftNames.loraA("fc1"), new long[] {2, 6},
                PeftNames.loraB("fc1"), new long[] {4, 2}, PeftNames.loraA("fc2"), new long[] {3, 4},
                PeftNames.loraB("fc2"), new long[] {3, 3}), DType.F32), ArtifactKind.ADAPTER, MLP))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> TensorValidator.validate(header(Map.of(PeftNames.loraA("fc1"), new long[] {2, 6}),
                DType.F32), ArtifactKind.ADAPTER, MLP)).hasMessageContaining("lora_A but no lora_B");
        assertThatThrownBy(() -> TensorValidator.validate(header(Map.of(PeftNames.loraA("conv1"), new long[] {2, 9},
                PeftNames.loraB("conv1"), new long[] {2, 2}), DType.F32), ArtifactKind.ADAPTER, CNN))
                .hasMessageContaining("no linear layer 'conv1'");
        assertThatThrownBy(() -> TensorValidator.validate(header(Map.of(PeftNames.loraA("fc1"), new long[] {2, 5},
                PeftNames.loraB("fc1"), new long[] {4, 2}), DType.F32), ArtifactKind.ADAPTER, MLP))
                .hasMessageContaining("takes 6 inputs");
        assertThatThrownBy(() -> TensorValidator.validate(header(Map.of(PeftNames.loraA("fc1"), new long[] {5, 6},
                PeftNames.loraB("fc1"), new long[] {4, 5}), DType.F32), ArtifactKind.ADAPTER, MLP))
                .hasMessageContaining("rank 5 is outside [1, 4]");
        assertThatThrownBy(() -> TensorValidator.validate(header(Map.of(), DType.F32), ArtifactKind.ADAPTER, MLP))
                .hasMessageContaining("no LoRA tensors");
    }

    @Test
    void routersAndFilesAreNotCheckedAgainstTheFamily() {
        SafetensorsHeader anything = header(Map.of("router.means", new long[] {7, 7}), DType.I64);
        assertThatCode(() -> TensorValidator.validate(anything, ArtifactKind.ROUTER, MLP)).doesNotThrowAnyException();
        assertThatCode(() -> TensorValidator.validate(anything, ArtifactKind.FILE, MLP)).doesNotThrowAnyException();
    }

    private static SafetensorsHeader header(Map<String, long[]> shapes, DType dtype) {
        List<TensorInfo> tensors = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long n = dtype.byteSize();
            for (long d : e.getValue()) {
                n *= d;
            }
            tensors.add(new TensorInfo(e.getKey(), dtype, e.getValue(), offset, offset + n));
            offset += n;
        }
        return new SafetensorsHeader(128, Map.of(), tensors);
    }
}
