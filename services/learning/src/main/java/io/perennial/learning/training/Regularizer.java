package io.perennial.learning.training;

import ai.djl.ndarray.NDArray;

/** An extra loss term on the trained parameters (for example EWC's quadratic penalty). */
@FunctionalInterface
public interface Regularizer {

    /**
     * Computes the penalty; called inside the step's gradient scope.
     *
     * @return scalar penalty
     */
    NDArray penalty();
}
