/**
 * Continual-learning evaluation metrics: accuracy matrix, transfer, forgetting, flip rates, calibration, confusion.
 */
@NullMarked
package io.perennial.formats.metrics;

import org.jspecify.annotations.NullMarked;
