/**
 * Jobs: the state machine (QUEUED → RUNNING → EVALUATING → SUCCEEDED | FAILED | CANCELLED) in trainer-service's
 * schema, job requests on {@code perennial.jobs} through the outbox, worker reports from {@code perennial.job-events},
 * and re-queueing of jobs whose worker went silent.
 */
package io.perennial.trainer.job;
