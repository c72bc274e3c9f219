package io.perennial.learning.merge;

import java.util.Locale;

/**
 * Methods for merging several LoRA deltas {@code ΔW_t = (alpha/r)·B_t·A_t} of one layer into one delta.
 * See {@link DeltaMerging} for the formulas.
 */
public enum MergeMethod {
    /** Task arithmetic: {@code λ Σ_t ΔW_t} (Ilharco et al. 2023). */
    TASK_ARITHMETIC,
    /** TIES: trim, elect sign, disjoint mean (Yadav et al. 2023). */
    TIES,
    /** DARE: random drop and rescale, then sum (Yu et al. 2024). */
    DARE,
    /** Model Breadcrumbs: drop the largest and the smallest magnitudes, then sum (Davari &amp; Belilovsky 2024). */
    BREADCRUMBS,
    /** MagMax: per entry, the value with the largest magnitude (Marczak et al. 2024). */
    MAGMAX,
    /** Sequential orthogonal projection: each delta projected off the merged delta's row space, rescaled, added. */
    ORTHOGONAL_PROJECTION;

    /**
     * Parses a name such as {@code ties} or {@code task-arithmetic}.
     *
     * @param name the name
     * @return the method
     */
    public static MergeMethod parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown merge method '" + name + "' (expected one of task-arithmetic, ties, dare, "
                    + "breadcrumbs, magmax, orthogonal-projection)", e);
        }
    }

    /** Returns the lower-case hyphenated name. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
