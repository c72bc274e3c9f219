/** trainer-service: adaptation policy, job orchestration and the job state machine. */
package io.perennial.trainer;
