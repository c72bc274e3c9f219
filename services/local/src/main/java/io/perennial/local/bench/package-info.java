/** Benchmarks that need real infrastructure: each prints a table with ratios against a baseline run side by side. */
package io.perennial.local.bench;
