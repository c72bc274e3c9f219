/**
 * Merging LoRA deltas: task arithmetic, TIES, DARE, Breadcrumbs, MagMax and sequential orthogonal projection.
 */
@NullMarked
package io.perennial.learning.merge;

import org.jspecify.annotations.NullMarked;
