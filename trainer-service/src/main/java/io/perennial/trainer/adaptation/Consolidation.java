package io.perennial.trainer.adaptation;

import io.perennial.contracts.events.AdaptationEvents.Decision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Makes room in a full active set before an answer adds an adapter. Pure.
 *
 * <p>Merge the closest pair of active adapters only when the assessment's {@code adapterSimilarity} evidence says they
 * are close (adapter delta cosine similarity ≥ {@code minSimilarity} and descriptor distance ≤ {@code maxDistance})
 * and their merge was never refused; otherwise archive the adapter whose regimes were seen least recently.
 *
 * @param decision MERGE or ARCHIVE
 * @param regimes a merge's sources (both adapters' regimes) or the regimes archived
 * @param pair the two regimes whose similarity justified a merge (remembered if the merge is refused); empty for an
 *     archive
 */
record Consolidation(Decision decision, List<String> regimes, List<String> pair, String reason,
        Map<String, Object> evidence) {

    /** The key of an unordered pair of regimes. */
    static String pairKey(String a, String b) {
        return a.compareTo(b) <= 0 ? a + "|" + b : b + "|" + a;
    }

    /**
     * What to do before adding an adapter; empty when the set has room.
     *
     * @param similarity the assessment's {@code adapterSimilarity}: {@code a}, {@code b}, {@code deltaCosine},
     *     {@code descriptorDistance}
     * @param refused pair keys of merges refused before
     */
    static Optional<Consolidation> choose(ActiveSet set, int maxAdapters, List<Map<String, Object>> similarity,
            Set<String> refused, double minSimilarity, double maxDistance) {
        if (set.size() < maxAdapters || set.size() == 0) {
            return Optional.empty();
        }
        Map<String, Object> best = null;
        List<String> considered = new ArrayList<>();
        for (Map<String, Object> s : similarity) {
            String a = String.valueOf(s.get("a"));
            String b = String.valueOf(s.get("b"));
            Double cosine = AlarmDecider.number(s, "deltaCosine");
            Double distance = AlarmDecider.number(s, "descriptorDistance");
            Set<String> ga = set.groupOf(a);
            Set<String> gb = set.groupOf(b);
            if (ga == null || gb == null || ga == gb || cosine == null || distance == null) {
                continue; // not two distinct active adapters, or no numbers to justify a merge
            }
            String key = pairKey(a, b);
            String verdict = refused.contains(key) ? "refused before"
                    : cosine < minSimilarity ? "cosine " + AlarmDecider.fmt(cosine) + " < "
                            + AlarmDecider.fmt(minSimilarity)
                    : distance > maxDistance ? "descriptor distance " + AlarmDecider.fmt(distance) + " > "
                            + AlarmDecider.fmt(maxDistance)
                    : null;
            considered.add(key + ": " + (verdict == null ? "close" : verdict));
            if (verdict == null && (best == null || cosine > AlarmDecider.number(best, "deltaCosine"))) {
                best = s;
            }
        }
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("activeAdapters", set.adapters().stream().map(g -> List.copyOf(new java.util.TreeSet<>(g)))
                .toList());
        evidence.put("maxAdapters", maxAdapters);
        evidence.put("mergeMinSimilarity", minSimilarity);
        evidence.put("mergeMaxDescriptorDistance", maxDistance);
        evidence.put("pairs", considered);
        evidence.put("refusedMerges", List.copyOf(refused));
        if (best != null) {
            String a = String.valueOf(best.get("a"));
            String b = String.valueOf(best.get("b"));
            Set<String> sources = new LinkedHashSet<>(set.groupOf(a));
            sources.addAll(set.groupOf(b));
            evidence.put("similarity", best);
            return Optional.of(new Consolidation(Decision.MERGE, List.copyOf(sources), List.of(a, b),
                    "active set full (" + set.size() + " of " + maxAdapters + "): merging " + a + " and " + b
                    + ", the closest pair (delta cosine " + AlarmDecider.fmt(AlarmDecider.number(best, "deltaCosine"))
                    + " ≥ " + AlarmDecider.fmt(minSimilarity) + ", descriptor distance "
                    + AlarmDecider.fmt(AlarmDecider.number(best, "descriptorDistance")) + " ≤ "
                    + AlarmDecider.fmt(maxDistance) + ")", evidence));
        }
        List<String> oldest = List.copyOf(new java.util.TreeSet<>(set.leastRecentlySeen()));
        return Optional.of(new Consolidation(Decision.ARCHIVE, oldest, List.of(), "active set full (" + set.size()
                + " of " + maxAdapters + ") and no pair of adapters close enough to merge: archiving " + oldest
                + ", the least recently seen", evidence));
    }
}
