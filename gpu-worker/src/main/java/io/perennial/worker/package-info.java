/** gpu-worker: training, merging and evaluation jobs, and prediction serving. */
package io.perennial.worker;
