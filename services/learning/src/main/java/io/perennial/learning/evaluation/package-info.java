/**
 * Evaluation on held-out probes: predictions, accuracy rows and flip rates.
 */
@NullMarked
package io.perennial.learning.evaluation;

import org.jspecify.annotations.NullMarked;
