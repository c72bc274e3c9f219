package io.perennial.learning.routing;

/** How inputs are assigned to adapters. */
public enum RoutingMode {
    /** Each row goes to the regime with the smallest Mahalanobis distance; rows are grouped by adapter. */
    HARD,
    /** Each row mixes every adapter's delta with weights {@code softmax(-d²/τ)}. */
    SOFT
}
