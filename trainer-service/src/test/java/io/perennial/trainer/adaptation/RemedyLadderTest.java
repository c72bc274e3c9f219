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
        Map<String, Object> wide = Map.of("family", "mlp", "input_dim", 64, "hidden", List.of(32, 32), "classes", 10);
        RemedyLadder.Rung third = RemedyLadder.next(2, policy, wide).orElseThrow();
        assertThat(third.name()).isEqualTo("higher-rank");
        assertThat(third.parameters()).containsEntry("rank", 16).containsEntry("alpha", 32.0)
                .containsEntry("targets", List.of("fc1", "fc2"));
        assertThat(RemedyLadder.next(3, policy, MLP)).isEmpty();
    }

    @Test
    void theHigherRankGoesOnlyOnLayersWithRoomForIt() {
        // 784 -> 256 -> 10: a rank of 16 fits fc1, not the 10-class head (the digits demo's rung 3 failed on it).
        Map<String, Object> digits = Map.of("family", "mlp", "input_dim", 64, "hidden", List.of(256), "classes", 10);
        assertThat(RemedyLadder.layersWithRoomFor(16, digits)).containsExactly("fc1");
        assertThat(RemedyLadder.layersWithRoomFor(10, digits)).containsExactly("fc1", "fc2");
        Map<String, Object> cnn = Map.of("family", "cnn", "hidden", 128, "classes", 10);
        assertThat(RemedyLadder.layersWithRoomFor(16, cnn)).containsExactly("fc1");
        // Nowhere room for twice the rank: the policy's rank on every layer.
        Map<String, Object> tiny = Map.of("family", "mlp", "input_dim", 4, "hidden", List.of(8), "classes", 2);
        assertThat(RemedyLadder.next(2, AdaptationPolicy.DEFAULT, tiny).orElseThrow().parameters())
                .containsEntry("rank", AdaptationPolicy.DEFAULT.adapterRank()).containsEntry("targets", List.of());
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
