/**
 * Perennial's replay-free continual-learning core on DJL; {@link io.perennial.learning.ContinualLearner} is the entry point.
 */
@NullMarked
package io.perennial.learning;

import org.jspecify.annotations.NullMarked;
