package io.perennial.local.bench.lifelong;

import static org.assertj.core.api.Assertions.assertThat;

import io.perennial.learning.data.LabeledData;
import io.perennial.learning.data.TrainTestSplit;
import io.perennial.learning.data.UciDigits;
import io.perennial.local.bench.lifelong.LifelongScenario.Kind;
import io.perennial.local.demo.DemoData;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class LifelongDataTest {

    private static final TrainTestSplit DIGITS = UciDigits.split(0.3, 7);

    @Test
    void theFullSequenceHasAtLeastThirtyChangesOfEveryKind() {
        LifelongScenario full = LifelongScenario.full(100);
        assertThat(full.changes()).isGreaterThanOrEqualTo(30);
        assertThat(full.stretches()).extracting(LifelongScenario.Stretch::kind)
                .contains(Kind.NEW, Kind.RECURRENCE, Kind.PRIOR_SHIFT, Kind.GRADUAL, Kind.STABLE);
        assertThat(full.stretches().get(0).kind()).isEqualTo(Kind.BASE);
        // Every recurrence returns to a regime the stream has visited before.
        for (int i = 0; i < full.stretches().size(); i++) {
            LifelongScenario.Stretch s = full.stretches().get(i);
            if (s.kind() == Kind.RECURRENCE) {
                assertThat(full.stretches().subList(0, i)).extracting(LifelongScenario.Stretch::regime)
                        .as(s.name()).contains(s.regime());
            }
        }
    }

    @Test
    void aSkewedDrawFavoursTheFirstHalfOfTheClassesByItsFactor() {
        LabeledData drawn = LifelongData.draw(DIGITS.train(), 20_000, 4, new SplittableRandom(1));
        long firstHalf = java.util.Arrays.stream(drawn.labels()).filter(c -> c < 5).count();
        // Classes are about equally frequent in the pool: 4x the weight gives 4/5 of the draws.
        assertThat(firstHalf / 20_000.0).isBetween(0.78, 0.82);
        LabeledData balanced = LifelongData.draw(DIGITS.train(), 20_000, 1, new SplittableRandom(1));
        assertThat(java.util.Arrays.stream(balanced.labels()).filter(c -> c < 5).count() / 20_000.0)
                .isBetween(0.48, 0.52);
    }

    @Test
    void stretchesCarryTheirQuotaExpectationAndShiftedFlatSamples() {
        LifelongScenario quick = LifelongScenario.quick(200);
        DemoData data = LifelongData.build(quick, "digits", null, List.of("0", "1", "2", "3", "4", "5", "6", "7", "8",
                "9"), DIGITS.train(), DIGITS.test(), 50, 7);
        assertThat(data.regimes()).hasSize(quick.stretches().size());
        for (int i = 0; i < data.regimes().size(); i++) {
            DemoData.Regime r = data.regimes().get(i);
            assertThat(r.quota()).isEqualTo(quick.stretches().get(i).length());
            assertThat(r.stream().size()).isEqualTo(2 * r.quota());
            assertThat(r.test().size()).isEqualTo(50);
            assertThat(r.stream().sampleShape()).containsExactly(64);
            assertThat(r.expectsAdaptation()).isEqualTo(quick.stretches().get(i).kind().expectsAdaptation());
        }
        // rot90 differs from upright: the shift was applied.
        assertThat(data.regimes().get(2).test().features()).isNotEqualTo(data.regimes().get(0).test().features());
    }

    @Test
    void theActiveSetCountsAdaptersOfRegimesStillRouted() {
        var v = JsonMapper.builder().build().readTree("""
                {"router": {"regimeAdapters": {"seg-1": "seg-1", "seg-2": "merged", "seg-3": "merged",
                 "seg-4": "seg-4"}, "archived": ["seg-1", "seg-4"]}}""");
        assertThat(ActiveAdapters.of(v)).isEqualTo(new ActiveAdapters(1, 2));
    }
}
