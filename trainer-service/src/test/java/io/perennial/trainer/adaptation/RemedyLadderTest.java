package io.perennial.trainer.adaptation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.perennial.trainer.policy.AdaptationPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RemedyLadderTest {

    private static final Map<String, Object> MLP = Map.of("family", "mlp", "input_dim", 4, "hidden", List.of(16, 8),
            "classes", 2);

    @Test
    void theLadderClimbsDistillationThenHeadOnlyThenHigherRankAndStops() {
        AdaptationPolicy policy = AdaptationPolicy.DEFAULT;
        RemedyLadder.Rung first = RemedyLadder.next(0, policy, MLP).orElseThrow();
        assertThat(first.rung()).isEqualTo(1);
        assertThat(first.name()).isEqualTo("distillation");
        assertThat(first.parameters()).containsEntry("remedy", Map.of("rung", 1, "name", "distillation"))
                .containsEntry("distillation", Map.of("weight", 1.0, "temperature", 2.0))
                .doesNotContainKeys("targets", "rank");
        RemedyLadder.Rung second = RemedyLadder.next(1, policy, MLP).orElseThrow();
        assertThat(second.name()).isEqualTo("head-only");
        assertThat(second.parameters()).containsEntry("targets", List.of("fc3")).doesNotContainKey("rank");
        RemedyLadder.Rung third = RemedyLadder.next(2, policy, MLP).orElseThrow();
        assertThat(third.name()).isEqualTo("higher-rank");
        assertThat(third.parameters()).containsEntry("rank", 16).containsEntry("alpha", 32.0)
                .containsEntry("targets", List.of());
        assertThat(RemedyLadder.next(3, policy, MLP)).isEmpty();
    }

    @Test
    void maxRemediesBoundsTheLadder() {
        AdaptationPolicy one = AdaptationPolicy.withOverrides(Map.of("maxRemedies", 1));
        assertThat(RemedyLadder.next(0, one, MLP)).isPresent();
        assertThat(RemedyLadder.next(1, one, MLP)).isEmpty();
        assertThat(RemedyLadder.next(0, AdaptationPolicy.withOverrides(Map.of("maxRemedies", 0)), MLP)).isEmpty();
    }

    @Test
    void theHeadIsTheFamilysLastLinearLayer() {
        assertThat(RemedyLadder.lastLinearLayer(Map.of("family", "mlp", "hidden", List.of(8)))).isEqualTo("fc2");
        assertThat(RemedyLadder.lastLinearLayer(Map.of("family", "mlp", "hidden", List.of()))).isEqualTo("fc1");
        assertThat(RemedyLadder.lastLinearLayer(Map.of("family", "cnn", "hidden", 64))).isEqualTo("fc2");
        assertThatThrownBy(() -> RemedyLadder.lastLinearLayer(Map.of("family", "transformer")))
                .hasMessageContaining("transformer");
    }
}
