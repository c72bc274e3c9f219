/**
 * Routing between adapters: per-adapter feature descriptors, Mahalanobis hard routing, soft mixtures and novelty scores.
 */
@NullMarked
package io.perennial.learning.routing;

import org.jspecify.annotations.NullMarked;
