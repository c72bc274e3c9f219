/**
 * Drift detectors as plain Java (no Spring): two-sample window tests, sequential detectors on error streams,
 * prediction drift, and their calibration to a target false-alarm rate.
 */
package io.perennial.drift.detector;
