/** Evaluation reports: accuracy-matrix rows, continual-learning metrics and flip rates per version. */
package io.perennial.registry.evaluation;
