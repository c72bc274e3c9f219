package io.perennial.trainer.adaptation;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Which regimes to merge so that a model serves at most {@code maxAdapters} distinct adapters. Pure logic. */
final class MergePlanner {

    private MergePlanner() {
    }

    /**
     * A promoted version's change to the adapters in production: a new adapter for one regime, or a merge of the
     * adapters serving {@code regimes} into one.
     */
    record Change(boolean merge, List<String> regimes) {
        static Change adapter(String regime) {
            return new Change(false, List.of(regime));
        }

        static Change merge(List<String> regimes) {
            return new Change(true, List.copyOf(regimes));
        }
    }

    /**
     * The adapters in production, oldest first, each as the regimes it serves.
     *
     * @param promoted the promoted changes, oldest first
     */
    static List<Set<String>> adapters(List<Change> promoted) {
        List<Set<String>> groups = new ArrayList<>();
        for (Change c : promoted) {
            if (!c.merge()) {
                groups.add(new LinkedHashSet<>(c.regimes()));
                continue;
            }
            Set<String> union = new LinkedHashSet<>(c.regimes());
            int at = -1;
            for (int i = 0; i < groups.size(); i++) {
                if (groups.get(i).stream().anyMatch(c.regimes()::contains)) {
                    union.addAll(groups.get(i));
                    at = at < 0 ? i : at;
                    groups.remove(i--);
                }
            }
            groups.add(at < 0 ? groups.size() : at, union);
        }
        return groups;
    }

    /**
     * The regimes to merge so that the oldest adapters become one and at most {@code maxAdapters} remain, or an
     * empty list when there are not more than {@code maxAdapters}.
     */
    static List<String> regimesToMerge(List<Change> promoted, int maxAdapters) {
        List<Set<String>> groups = adapters(promoted);
        if (groups.size() <= maxAdapters) {
            return List.of();
        }
        Set<String> regimes = new LinkedHashSet<>();
        for (Set<String> g : groups.subList(0, groups.size() - maxAdapters + 1)) {
            regimes.addAll(g);
        }
        return List.copyOf(regimes);
    }
}
