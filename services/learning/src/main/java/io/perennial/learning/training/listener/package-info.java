/**
 * Training progress callbacks (step, loss, samples per second) for streaming job progress.
 */
@NullMarked
package io.perennial.learning.training.listener;

import org.jspecify.annotations.NullMarked;
