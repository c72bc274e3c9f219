package io.perennial.trainer.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AdaptationPolicyTest {

    @Test
    void decisionThresholdsHaveDocumentedDefaultsAndAStoredPolicyWithoutThemGetsThem() {
        AdaptationPolicy old = AdaptationPolicy.withOverrides(Map.of("baseWindow", 300, "maxAdapters", 2));
        assertThat(old.matchAlpha()).isEqualTo(0.01);
        assertThat(old.matchMinRoutedShare()).isEqualTo(0.5);
        assertThat(old.priorShiftAlpha()).isEqualTo(0.001);
        assertThat(old.priorShiftMinTv()).isEqualTo(0.1);
        assertThat(old.maxRemedies()).isEqualTo(3);
        assertThat(old.mergeMinSimilarity()).isEqualTo(0.9);
        assertThat(old.mergeMaxDescriptorDistance()).isEqualTo(1.0);
        assertThat(old.maxAdapters()).isEqualTo(2);
        assertThat(old.refineGrowth()).isEqualTo(4.0);
        assertThat(old.refineMaxWindow()).isEqualTo(20_000);
        assertThat(old.refineMinGain()).isEqualTo(0.01);
        assertThat(AdaptationPolicy.withOverrides(Map.of("matchAlpha", "0.05")).matchAlpha()).isEqualTo(0.05);
    }

    @Test
    void invalidThresholdsAreRefusedWithTheirName() {
        assertThatThrownBy(() -> AdaptationPolicy.withOverrides(Map.of("matchAlpha", 0)))
                .hasMessageContaining("policy.matchAlpha");
        assertThatThrownBy(() -> AdaptationPolicy.withOverrides(Map.of("priorShiftMinTv", 1.5)))
                .hasMessageContaining("policy.priorShiftMinTv");
        assertThatThrownBy(() -> AdaptationPolicy.withOverrides(Map.of("maxRemedies", 4)))
                .hasMessageContaining("policy.maxRemedies");
        assertThatThrownBy(() -> AdaptationPolicy.withOverrides(Map.of("mergeMaxDescriptorDistance", -1)))
                .hasMessageContaining("policy.mergeMaxDescriptorDistance");
        assertThatThrownBy(() -> AdaptationPolicy.withOverrides(Map.of("mergeMinSimilarity", "close")))
                .hasMessageContaining("must be a number");
        assertThatThrownBy(() -> AdaptationPolicy.withOverrides(Map.of("refineGrowth", 1)))
                .hasMessageContaining("policy.refineGrowth");
        assertThatThrownBy(() -> AdaptationPolicy.withOverrides(Map.of("refineGrowth", "Infinity")))
                .hasMessageContaining("policy.refineGrowth");
        assertThatThrownBy(() -> AdaptationPolicy.withOverrides(Map.of("refineMaxWindow", 0)))
                .hasMessageContaining("policy.refineMaxWindow");
        assertThatThrownBy(() -> AdaptationPolicy.withOverrides(Map.of("refineMinGain", -0.1)))
                .hasMessageContaining("policy.refineMinGain");
        assertThatThrownBy(() -> AdaptationPolicy.withOverrides(Map.of("refineMinGain", 1.5)))
                .hasMessageContaining("policy.refineMinGain");
    }
}
