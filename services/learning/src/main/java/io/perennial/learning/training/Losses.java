package io.perennial.learning.training;

import ai.djl.ndarray.NDArray;

/**
 * Loss functions built only from array operations (no Java-number scalars, see docs/learning.md, DJL discipline).
 */
public final class Losses {

    private Losses() {
    }

    /**
     * Mean cross-entropy \( -\frac{1}{N}\sum_i \sum_c y_{ic} \log \mathrm{softmax}(z_i)_c \).
     *
     * @param logits {@code [N, C]}
     * @param oneHot targets {@code [N, C]} (one-hot or soft)
     * @return scalar loss
     */
    public static NDArray crossEntropy(NDArray logits, NDArray oneHot) {
        return logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).mean().neg();
    }

    /**
     * Distillation term (Hinton et al. 2015, <a href="https://arxiv.org/abs/1503.02531">arXiv:1503.02531</a>):
     * the cross-entropy between the teacher's tempered probabilities {@code p^T} and the student's tempered
     * log-probabilities, \( -\frac{1}{N}\sum_i \sum_c p^T_{ic} \log \mathrm{softmax}(z_i / T)_c \), which equals
     * {@code KL(p^T ‖ q^T)} plus a constant. Callers multiply it by {@code λ·T²}.
     *
     * @param logits student logits {@code [N, C]}
     * @param teacherProbs teacher's softmax at temperature T, {@code [N, C]}
     * @param inverseTemperature 0-d array {@code 1/T} owned by the caller for the whole graph
     * @return scalar loss
     */
    public static NDArray distillation(NDArray logits, NDArray teacherProbs, NDArray inverseTemperature) {
        return crossEntropy(logits.mul(inverseTemperature), teacherProbs);
    }
}
