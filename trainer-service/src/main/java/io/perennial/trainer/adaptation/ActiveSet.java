package io.perennial.trainer.adaptation;

import io.perennial.contracts.events.JobEvents.JobKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The adapters production serves, rebuilt from the promoted versions' changes in promotion order: which regimes each
 * active adapter serves, which regimes are archived, and when each regime was last seen (its last train, recurrence,
 * restore or prior correction). The base regime is no adapter. Pure.
 */
final class ActiveSet {

    /** The base model's regime: never an adapter, never archived. */
    static final String BASE = "base";

    /**
     * A promoted version's change: {@code TRAIN_ADAPTER} adds the adapter of its segment, {@code MERGE} makes the
     * adapters serving its regimes one, {@code ARCHIVE} takes regimes out of routing, {@code RESTORE} routes a regime
     * to its adapter again (or sees an active one recur), {@code PRIOR_CORRECT} and {@code REFINE} see a regime.
     */
    record Change(JobKind kind, List<String> regimes) {
        Change {
            regimes = List.copyOf(regimes);
        }
    }

    private final List<Set<String>> adapters = new ArrayList<>();
    private final Set<String> archived = new LinkedHashSet<>();
    private final Map<String, Integer> lastSeen = new HashMap<>();

    private ActiveSet() {
    }

    static ActiveSet of(List<Change> promoted) {
        ActiveSet set = new ActiveSet();
        int time = 0;
        for (Change c : promoted) {
            time++;
            for (String r : c.regimes()) {
                switch (c.kind()) {
                    case TRAIN_ADAPTER, RESTORE -> set.activate(r, time);
                    case PRIOR_CORRECT, REFINE -> set.lastSeen.put(r, time);
                    case ARCHIVE -> set.archive(r);
                    default -> { }
                }
            }
            if (c.kind() == JobKind.MERGE) {
                set.merge(c.regimes());
            }
        }
        return set;
    }

    private void activate(String regime, int time) {
        lastSeen.put(regime, time);
        archived.remove(regime);
        if (!BASE.equals(regime) && groupOf(regime) == null) {
            adapters.add(new LinkedHashSet<>(List.of(regime)));
        }
    }

    private void archive(String regime) {
        Set<String> group = groupOf(regime);
        if (group != null) {
            group.remove(regime);
            if (group.isEmpty()) {
                adapters.remove(group);
            }
        }
        archived.add(regime);
    }

    /** The adapters serving any of {@code regimes} become one, in the place of the first of them. */
    private void merge(List<String> regimes) {
        Set<String> union = new LinkedHashSet<>();
        int at = -1;
        for (int i = 0; i < adapters.size(); i++) {
            if (adapters.get(i).stream().anyMatch(regimes::contains)) {
                union.addAll(adapters.get(i));
                at = at < 0 ? i : at;
                adapters.remove(i--);
            }
        }
        if (at >= 0) {
            adapters.add(at, union);
        }
    }

    /** The active adapters, each as the regimes it serves, in the order they became active. */
    List<Set<String>> adapters() {
        return adapters.stream().map(Set::copyOf).toList();
    }

    int size() {
        return adapters.size();
    }

    Set<String> archived() {
        return Set.copyOf(archived);
    }

    boolean isArchived(String regime) {
        return archived.contains(regime);
    }

    /** The active adapter serving {@code regime}, or null. */
    Set<String> groupOf(String regime) {
        return adapters.stream().filter(g -> g.contains(regime)).findFirst().orElse(null);
    }

    /** The active adapter whose regimes were seen least recently (ties: the one active longest). */
    Set<String> leastRecentlySeen() {
        return adapters.stream().min(Comparator.comparingInt(this::seen)).map(Set::copyOf).orElse(null);
    }

    private int seen(Set<String> group) {
        return group.stream().mapToInt(r -> lastSeen.getOrDefault(r, 0)).max().orElse(0);
    }
}
