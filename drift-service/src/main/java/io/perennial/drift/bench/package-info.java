/**
 * The drift detector benchmark: synthetic streams with known drift points, Fashion-MNIST feature drift, the US
 * flights stream, throughput and latency ({@link io.perennial.drift.bench.DriftBenchmark}).
 */
package io.perennial.drift.bench;
