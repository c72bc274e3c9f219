package io.perennial.formats.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class SpecJsonTest {

    @Test
    void mlpSpecRoundTripsAndListsItsLayers() {
        MlpSpec spec = new MlpSpec(784, List.of(256, 64), 10, Activation.RELU);
        String json = SpecJson.toJson(spec);
        assertThat(json).contains("\"family\" : \"mlp\"").contains("\"input_dim\" : 784").contains("\"version\" : 1");
        assertThat(SpecJson.modelSpecFromJson(json)).isEqualTo(spec);
        assertThat(spec.linearLayers()).containsExactly(
                new LinearLayerShape("fc1", 784, 256), new LinearLayerShape("fc2", 256, 64), new LinearLayerShape("fc3", 64, 10));
        assertThat(spec.parameterShapes().get("fc2.weight")).containsExactly(64, 256);
        assertThat(spec.parameterCount()).isEqualTo(784 * 256 + 256 + 256 * 64 + 64 + 64 * 10 + 10);
        assertThat(spec.headLayer()).isEqualTo("fc3");
    }

    @Test
    void cnnSpecRoundTripsAndComputesTheFlattenedSize() {
        CnnSpec spec = new CnnSpec(1, 28, 28, List.of(8, 16), 3, 64, 10, null);
        ModelFamilySpec back = SpecJson.modelSpecFromJson(SpecJson.toJson(spec));
        assertThat(back).isEqualTo(spec);
        assertThat(spec.flattenedSize()).isEqualTo(16 * 7 * 7);
        assertThat(spec.inputShape()).containsExactly(1, 28, 28);
        assertThat(spec.parameterShapes().keySet()).containsExactly(
                "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias");
        assertThat(spec.parameterShapes().get("conv2.weight")).containsExactly(16, 8, 3, 3);
        assertThat(spec.activation()).isEqualTo(Activation.RELU);
    }

    @Test
    void readsJsonWithoutVersionAndRejectsNewerVersionsAndBadSpecs() {
        assertThat(SpecJson.modelSpecFromJson("{\"family\":\"mlp\",\"input_dim\":4,\"hidden\":[],\"classes\":3}"))
                .isEqualTo(new MlpSpec(4, List.of(), 3, Activation.RELU));
        assertThatThrownBy(() -> SpecJson.modelSpecFromJson("{\"family\":\"mlp\",\"input_dim\":4,\"classes\":3,\"version\":2}"))
                .hasMessageContaining("unsupported model-family spec version 2");
        assertThatThrownBy(() -> SpecJson.modelSpecFromJson("{\"family\":\"rnn\",\"input_dim\":4}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rnn");
        assertThatThrownBy(() -> SpecJson.modelSpecFromJson("{\"input_dim\":4}"))
                .hasMessageContaining("no 'family'");
        assertThatThrownBy(() -> SpecJson.modelSpecFromJson("{\"family\":\"mlp\",\"input_dim\":0,\"classes\":3}"))
                .hasMessageContaining("input_dim must be positive");
        assertThatThrownBy(() -> new CnnSpec(1, 4, 4, List.of(4, 4, 4), 3, 8, 2, null))
                .hasMessageContaining("too small");
    }

    @Test
    void adapterConfigUsesPeftKeysAndIgnoresUnknownOnes() {
        AdapterConfig c = AdapterConfig.of(8, 16, List.of("fc1", "fc2"), "perennial:mlp@sha256:ab");
        String json = SpecJson.toJson(c);
        assertThat(json).contains("\"peft_type\" : \"LORA\"", "\"r\" : 8", "\"lora_alpha\" : 16.0",
                "\"target_modules\" : [ \"fc1\", \"fc2\" ]", "\"base_model_name_or_path\" : \"perennial:mlp@sha256:ab\"");
        assertThat(SpecJson.adapterConfigFromJson(json)).isEqualTo(c);
        assertThat(c.scaling()).isEqualTo(2.0);
        String peft = "{\"peft_type\":\"LORA\",\"r\":4,\"lora_alpha\":8,\"target_modules\":[\"fc1\"],"
                + "\"lora_dropout\":0.1,\"modules_to_save\":null,\"revision\":null,\"layers_pattern\":null}";
        AdapterConfig read = SpecJson.adapterConfigFromJson(peft);
        assertThat(read.r()).isEqualTo(4);
        assertThat(read.loraDropout()).isEqualTo(0.1);
    }

    @Test
    void adapterConfigRejectsBadRanksAndTargets() {
        MlpSpec spec = new MlpSpec(784, List.of(256), 10, Activation.RELU);
        assertThatThrownBy(() -> AdapterConfig.of(0, 16, List.of("fc1"), ""))
                .hasMessageContaining("rank r must be positive");
        assertThatThrownBy(() -> AdapterConfig.of(16, 16, List.of("fc1", "fc2"), "").validateAgainst(spec))
                .hasMessageContaining("LoRA rank r=16 is larger than layer 'fc2' allows (10x256, max rank 10)");
        assertThatThrownBy(() -> AdapterConfig.of(4, 16, List.of("fc9"), "").validateAgainst(spec))
                .hasMessageContaining("no linear layer 'fc9'");
        assertThatThrownBy(() -> SpecJson.adapterConfigFromJson("{\"peft_type\":\"LORA\",\"r\":4,\"lora_alpha\":8,\"target_modules\":[]}"))
                .hasMessageContaining("target_modules must name at least one layer");
    }

    @Test
    void peftNamesRoundTrip() {
        assertThat(PeftNames.loraA("fc1")).isEqualTo("base_model.model.fc1.lora_A.weight");
        assertThat(PeftNames.loraB("fc1")).isEqualTo("base_model.model.fc1.lora_B.weight");
        assertThat(PeftNames.layerOf("base_model.model.fc2.lora_B.weight")).contains("fc2");
        assertThat(PeftNames.layerOf("fc2.weight")).isEmpty();
    }
}
