/** Distribution functions the detectors' p-values come from (Kolmogorov, chi-square, normal). */
package io.perennial.drift.detector.stats;
