/**
 * Replay-free training: base training, adapter training with early stopping and distillation, EWC and LwF baselines, Adam.
 */
@NullMarked
package io.perennial.learning.training;

import org.jspecify.annotations.NullMarked;
