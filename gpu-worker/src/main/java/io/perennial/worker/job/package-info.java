/**
 * Jobs on the worker: reading a job's training window from Kafka by offsets only (replay-free by construction).
 */
package io.perennial.worker.job;
