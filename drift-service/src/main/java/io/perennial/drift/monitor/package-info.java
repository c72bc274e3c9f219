/**
 * The drift monitoring service: per-stream monitors fed from the samples, labels and predictions topics, their
 * persisted state, alarms through the outbox, and the REST API.
 */
package io.perennial.drift.monitor;
