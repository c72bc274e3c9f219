/** A stream monitor: reference and sliding windows, evaluation schedule, cooldown and change-point estimate. */
package io.perennial.drift.detector.monitor;
