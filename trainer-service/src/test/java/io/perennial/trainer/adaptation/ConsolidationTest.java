package io.perennial.trainer.adaptation;

import static org.assertj.core.api.Assertions.assertThat;

import io.perennial.contracts.events.AdaptationEvents.Decision;
import io.perennial.contracts.events.JobEvents.JobKind;
import io.perennial.trainer.adaptation.ActiveSet.Change;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConsolidationTest {

    private static Change adapter(String regime) {
        return new Change(JobKind.TRAIN_ADAPTER, List.of(regime));
    }

    private static Map<String, Object> pair(String a, String b, double cosine, double distance) {
        return Map.of("a", a, "b", b, "deltaCosine", cosine, "descriptorDistance", distance);
    }

    @Test
    void theActiveSetFollowsAdaptersMergesArchivesAndRestores() {
        ActiveSet set = ActiveSet.of(List.of(adapter("seg-1"), adapter("seg-2"), adapter("seg-3"),
                new Change(JobKind.MERGE, List.of("seg-1", "seg-2")), new Change(JobKind.ARCHIVE, List.of("seg-3")),
                adapter("seg-4")));
        assertThat(set.size()).isEqualTo(2);
        assertThat(set.adapters()).containsExactly(Set.of("seg-1", "seg-2"), Set.of("seg-4"));
        assertThat(set.archived()).containsExactly("seg-3");
        ActiveSet restored = ActiveSet.of(List.of(adapter("seg-1"), new Change(JobKind.ARCHIVE, List.of("seg-1")),
                new Change(JobKind.RESTORE, List.of("seg-1")), new Change(JobKind.RESTORE, List.of("base"))));
        assertThat(restored.adapters()).containsExactly(Set.of("seg-1"));
        assertThat(restored.archived()).isEmpty();
    }

    @Test
    void aSetWithRoomNeedsNothing() {
        ActiveSet set = ActiveSet.of(List.of(adapter("seg-1"), adapter("seg-2")));
        assertThat(Consolidation.choose(set, 3, List.of(), Set.of(), 0.9, 1.0)).isEmpty();
    }

    @Test
    void aFullSetMergesTheClosestPairTheEvidenceJustifies() {
        ActiveSet set = ActiveSet.of(List.of(adapter("seg-1"), adapter("seg-2"), adapter("seg-3")));
        Consolidation c = Consolidation.choose(set, 3, List.of(pair("seg-1", "seg-2", 0.92, 0.5),
                pair("seg-2", "seg-3", 0.97, 0.4), pair("seg-1", "seg-3", 0.99, 3.0)), Set.of(), 0.9, 1.0)
                .orElseThrow();
        assertThat(c.decision()).isEqualTo(Decision.MERGE);
        assertThat(c.regimes()).containsExactlyInAnyOrder("seg-2", "seg-3");
        assertThat(c.pair()).containsExactly("seg-2", "seg-3");
        assertThat(c.reason()).contains("closest pair").contains("0.970");
        assertThat(c.evidence().get("pairs").toString()).contains("seg-1|seg-3: descriptor distance 3.00 > 1.00");
    }

    @Test
    void aRefusedPairIsNeverProposedAgainAndWithoutACloseOneTheLeastRecentlySeenIsArchived() {
        // seg-1 trained first but recurred last: seg-2 is the least recently seen
        ActiveSet set = ActiveSet.of(List.of(adapter("seg-1"), adapter("seg-2"), adapter("seg-3"),
                new Change(JobKind.RESTORE, List.of("seg-1"))));
        List<Map<String, Object>> evidence = List.of(pair("seg-2", "seg-3", 0.97, 0.4), pair("seg-1", "seg-2", 0.5,
                0.2));
        Consolidation c = Consolidation.choose(set, 3, evidence, Set.of(Consolidation.pairKey("seg-3", "seg-2")),
                0.9, 1.0).orElseThrow();
        assertThat(c.decision()).isEqualTo(Decision.ARCHIVE);
        assertThat(c.regimes()).containsExactly("seg-2");
        assertThat(c.pair()).isEmpty();
        assertThat(c.evidence().get("pairs").toString()).contains("seg-2|seg-3: refused before")
                .contains("seg-1|seg-2: cosine 0.500 < 0.900");
    }

    @Test
    void aMergedAdapterIsArchivedWholeAndPairsInsideOneAdapterAreNoCandidates() {
        ActiveSet set = ActiveSet.of(List.of(adapter("seg-1"), adapter("seg-2"),
                new Change(JobKind.MERGE, List.of("seg-1", "seg-2")), adapter("seg-3")));
        Consolidation c = Consolidation.choose(set, 2, List.of(pair("seg-1", "seg-2", 0.99, 0.1)), Set.of(), 0.9,
                1.0).orElseThrow();
        assertThat(c.decision()).isEqualTo(Decision.ARCHIVE);
        assertThat(c.regimes()).containsExactly("seg-1", "seg-2");
    }

    @Test
    void archivingNeverExceedsTheBound() {
        // whatever the history, one consolidation per answer keeps active adapters within maxAdapters
        ActiveSet full = ActiveSet.of(List.of(adapter("seg-1"), adapter("seg-2")));
        Consolidation c = Consolidation.choose(full, 2, List.of(), Set.of(), 0.9, 1.0).orElseThrow();
        ActiveSet after = ActiveSet.of(List.of(adapter("seg-1"), adapter("seg-2"),
                new Change(JobKind.ARCHIVE, c.regimes()), adapter("seg-3")));
        assertThat(after.size()).isEqualTo(2);
        assertThat(after.archived()).containsExactly("seg-1");
    }
}
