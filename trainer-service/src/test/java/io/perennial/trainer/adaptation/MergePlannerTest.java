package io.perennial.trainer.adaptation;

import static org.assertj.core.api.Assertions.assertThat;

import io.perennial.trainer.adaptation.MergePlanner.Change;
import java.util.List;
import org.junit.jupiter.api.Test;

class MergePlannerTest {

    @Test
    void nothingIsMergedUntilThereAreMoreAdaptersThanThePolicyKeeps() {
        List<Change> three = List.of(Change.adapter("seg-1"), Change.adapter("seg-2"), Change.adapter("seg-3"));
        assertThat(MergePlanner.regimesToMerge(three, 3)).isEmpty();
        assertThat(MergePlanner.regimesToMerge(three, 2)).containsExactly("seg-1", "seg-2");
        assertThat(MergePlanner.regimesToMerge(three, 1)).containsExactly("seg-1", "seg-2", "seg-3");
    }

    @Test
    void aPromotedMergeCountsAsOneAdapterServingAllItsRegimes() {
        List<Change> history = List.of(Change.adapter("seg-1"), Change.adapter("seg-2"),
                Change.merge(List.of("seg-1", "seg-2")), Change.adapter("seg-3"), Change.adapter("seg-4"));
        assertThat(MergePlanner.adapters(history)).extracting(g -> List.copyOf(g))
                .containsExactly(List.of("seg-1", "seg-2"), List.of("seg-3"), List.of("seg-4"));
        assertThat(MergePlanner.regimesToMerge(history, 3)).isEmpty();
        // Two adapters allowed: the merged one and seg-3 become one.
        assertThat(MergePlanner.regimesToMerge(history, 2)).containsExactly("seg-1", "seg-2", "seg-3");
    }

    @Test
    void mergingPartOfAMergedAdapterTakesAllOfItsRegimes() {
        List<Change> history = List.of(Change.adapter("seg-1"), Change.adapter("seg-2"), Change.adapter("seg-3"),
                Change.merge(List.of("seg-1", "seg-2")), Change.merge(List.of("seg-2", "seg-3")));
        assertThat(MergePlanner.adapters(history)).hasSize(1).first().satisfies(g ->
                assertThat(g).containsExactlyInAnyOrder("seg-1", "seg-2", "seg-3"));
    }
}
