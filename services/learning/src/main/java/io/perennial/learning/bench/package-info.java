/**
 * The continual-learning benchmark: baselines, Perennial's routed adapters, merges and throughput.
 */
@NullMarked
package io.perennial.learning.bench;

import org.jspecify.annotations.NullMarked;
