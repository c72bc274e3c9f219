package io.perennial.local.bench.lifelong;

import io.perennial.learning.data.DomainShift;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The regime sequence of the lifelong benchmark: new covariate shifts, recurrences of earlier regimes (active and,
 * once the active set is full, archived), label-prior shifts, gradual transitions and stable stretches in which no
 * alarm is expected.
 *
 * @param regimes the input distributions by name
 * @param stretches in stream order; the first is the base regime
 */
public record LifelongScenario(Map<String, DomainShift> regimes, List<Stretch> stretches) {

    /** What a stretch is, and so what the platform should answer. */
    public enum Kind {
        /** The first regime: the base model learns it. */
        BASE(true),
        /** A distribution never seen before: a new adapter. */
        NEW(true),
        /** An earlier regime returns: its adapter serves again, nothing trains. */
        RECURRENCE(true),
        /** The same inputs given the class, other class frequencies: a prior correction. */
        PRIOR_SHIFT(true),
        /** The inputs move from the previous regime to a new one over the stretch. */
        GRADUAL(true),
        /** The stream stays where it is: any alarm is a false alarm. */
        STABLE(false);

        private final boolean expectsAdaptation;

        Kind(boolean expectsAdaptation) {
            this.expectsAdaptation = expectsAdaptation;
        }

        /** Whether the platform should put a new version into production for this stretch. */
        public boolean expectsAdaptation() {
            return expectsAdaptation;
        }
    }

    /**
     * One stretch.
     *
     * @param regime the input distribution (a key of {@link #regimes()}); for {@link Kind#GRADUAL} the one it ends in
     * @param from for {@link Kind#GRADUAL}, the regime it starts in; else null
     * @param skew for {@link Kind#PRIOR_SHIFT} (and stretches that continue it), how much more often classes 0-4 are
     *     drawn than classes 5-9; 1 is balanced
     * @param length samples streamed before the run waits for adaptation (or, stable, in total)
     */
    public record Stretch(String name, Kind kind, String regime, String from, double skew, int length) {
    }

    /** The quick sequence (CI): 10 changes and 3 stable stretches after the base regime. */
    public static LifelongScenario quick(int length) {
        return build(length, false);
    }

    /** The full sequence: 31 changes and 9 stable stretches after the base regime. */
    public static LifelongScenario full(int length) {
        return build(length, true);
    }

    private static LifelongScenario build(int n, boolean full) {
        Map<String, DomainShift> r = new LinkedHashMap<>();
        r.put("upright", DomainShift.identity());
        r.put("rot90", DomainShift.rotation(90));
        r.put("noisy", DomainShift.gaussianNoise(0.6, 11));
        r.put("rot180", DomainShift.rotation(180));
        // Close to upright and rot90, yet distinct: must get its own adapter, not be routed to either.
        r.put("rot45", DomainShift.rotation(45));
        r.put("blur", DomainShift.blur(1.5));
        r.put("perm", DomainShift.permutation(1001));
        r.put("rot270", DomainShift.rotation(270));
        List<Stretch> s = new ArrayList<>();
        s.add(new Stretch("upright", Kind.BASE, "upright", null, 1, n));
        s.add(new Stretch("upright (stable)", Kind.STABLE, "upright", null, 1, 2 * n));
        s.add(new Stretch("rot90", Kind.NEW, "rot90", null, 1, n));
        s.add(new Stretch("noisy", Kind.NEW, "noisy", null, 1, n));
        s.add(new Stretch("upright again", Kind.RECURRENCE, "upright", null, 1, n));
        s.add(new Stretch("upright, classes 0-4 x4", Kind.PRIOR_SHIFT, "upright", null, 4, n));
        s.add(new Stretch("rot180", Kind.NEW, "rot180", null, 1, n));
        s.add(new Stretch("rot180 (stable)", Kind.STABLE, "rot180", null, 1, 2 * n));
        s.add(new Stretch("rot45", Kind.NEW, "rot45", null, 1, n));
        s.add(new Stretch("rot90 again", Kind.RECURRENCE, "rot90", null, 1, n));
        s.add(new Stretch("rot90 to blur", Kind.GRADUAL, "blur", "rot90", 1, n));
        s.add(new Stretch("blur (stable)", Kind.STABLE, "blur", null, 1, 2 * n));
        s.add(new Stretch("noisy again", Kind.RECURRENCE, "noisy", null, 1, n));
        s.add(new Stretch("rot180 again", Kind.RECURRENCE, "rot180", null, 1, n));
        if (full) {
            s.add(new Stretch("perm", Kind.NEW, "perm", null, 1, n));
            s.add(new Stretch("perm, classes 0-4 x4", Kind.PRIOR_SHIFT, "perm", null, 4, n));
            s.add(new Stretch("perm (stable)", Kind.STABLE, "perm", null, 4, 2 * n));
            s.add(new Stretch("upright again", Kind.RECURRENCE, "upright", null, 1, n));
            s.add(new Stretch("rot270", Kind.NEW, "rot270", null, 1, n));
            s.add(new Stretch("rot45 again", Kind.RECURRENCE, "rot45", null, 1, n));
            s.add(new Stretch("rot45 to rot90", Kind.GRADUAL, "rot90", "rot45", 1, n));
            s.add(new Stretch("rot90 (stable)", Kind.STABLE, "rot90", null, 1, 2 * n));
            s.add(new Stretch("noisy again", Kind.RECURRENCE, "noisy", null, 1, n));
            s.add(new Stretch("noisy, classes 0-4 x4", Kind.PRIOR_SHIFT, "noisy", null, 4, n));
            s.add(new Stretch("blur again", Kind.RECURRENCE, "blur", null, 1, n));
            s.add(new Stretch("rot270 again", Kind.RECURRENCE, "rot270", null, 1, n));
            s.add(new Stretch("rot270 (stable)", Kind.STABLE, "rot270", null, 1, 2 * n));
            s.add(new Stretch("upright to rot180", Kind.GRADUAL, "rot180", "upright", 1, n));
            s.add(new Stretch("perm again", Kind.RECURRENCE, "perm", null, 1, n));
            s.add(new Stretch("rot45 again", Kind.RECURRENCE, "rot45", null, 1, n));
            s.add(new Stretch("upright again", Kind.RECURRENCE, "upright", null, 1, n));
            s.add(new Stretch("upright, classes 0-4 x4", Kind.PRIOR_SHIFT, "upright", null, 4, n));
            s.add(new Stretch("upright (stable)", Kind.STABLE, "upright", null, 4, 2 * n));
            s.add(new Stretch("rot90 again", Kind.RECURRENCE, "rot90", null, 1, n));
            s.add(new Stretch("blur again", Kind.RECURRENCE, "blur", null, 1, n));
            s.add(new Stretch("blur, classes 0-4 x4", Kind.PRIOR_SHIFT, "blur", null, 4, n));
            s.add(new Stretch("blur (stable)", Kind.STABLE, "blur", null, 4, 2 * n));
            s.add(new Stretch("rot180 again", Kind.RECURRENCE, "rot180", null, 1, n));
            s.add(new Stretch("rot180 to rot270", Kind.GRADUAL, "rot270", "rot180", 1, n));
            s.add(new Stretch("noisy again", Kind.RECURRENCE, "noisy", null, 1, n));
            s.add(new Stretch("noisy (stable)", Kind.STABLE, "noisy", null, 1, 2 * n));
        }
        return new LifelongScenario(Map.copyOf(r), List.copyOf(s));
    }

    /** Changes of regime (every stretch after the first that is not stable). */
    public long changes() {
        return stretches.stream().skip(1).filter(s -> s.kind() != Kind.STABLE).count();
    }
}
