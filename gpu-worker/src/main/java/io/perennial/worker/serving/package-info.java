/** Prediction serving: which models and versions this worker serves. */
package io.perennial.worker.serving;
