package io.perennial.learning.training;

/**
 * Hyperparameters of a training run (base, adapter or baseline). Immutable; build with {@link #builder()}.
 *
 * @param epochs maximum passes over the training data (default 10)
 * @param batchSize samples per optimiser step (default 128)
 * @param learningRate Adam step size (default 1e-3)
 * @param seed seed of the held-out split and the shuffling (default 42)
 * @param validationFraction share of the training window held out for early stopping, 0 for none (default 0.1)
 * @param patience epochs without held-out improvement before stopping (default 3)
 * @param maxSteps optimiser step budget, 0 for none (default 0)
 * @param distillationWeight λ of the distillation term, 0 to disable (default 0)
 * @param distillationTemperature T of the distillation term (default 2)
 * @param progressEverySteps how often {@code onStep} is called (default 10)
 * @param forceGcBeforeBackward diagnostics: run {@code System.gc()} between forward and backward of every step
 */
public record TrainingConfig(int epochs, int batchSize, double learningRate, long seed, double validationFraction,
        int patience, int maxSteps, double distillationWeight, double distillationTemperature, int progressEverySteps,
        boolean forceGcBeforeBackward) {

    /** Validates the values. */
    public TrainingConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be positive and finite, got " + learningRate);
        }
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in [0, 1), got " + validationFraction);
        }
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be at least 1, got " + patience);
        }
        if (!(distillationWeight >= 0) || !(distillationTemperature > 0)) {
            throw new IllegalArgumentException("distillation weight must be >= 0 and temperature > 0, got "
                    + distillationWeight + " / " + distillationTemperature);
        }
        if (progressEverySteps < 1) {
            throw new IllegalArgumentException("progressEverySteps must be at least 1");
        }
    }

    /** Returns a builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the defaults. */
    public static TrainingConfig defaults() {
        return builder().build();
    }

    /** Returns a builder initialised from this config. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.epochs = epochs;
        b.batchSize = batchSize;
        b.learningRate = learningRate;
        b.seed = seed;
        b.validationFraction = validationFraction;
        b.patience = patience;
        b.maxSteps = maxSteps;
        b.distillationWeight = distillationWeight;
        b.distillationTemperature = distillationTemperature;
        b.progressEverySteps = progressEverySteps;
        b.forceGcBeforeBackward = forceGcBeforeBackward;
        return b;
    }

    /** Builder of {@link TrainingConfig}; every value is optional. */
    public static final class Builder {
        private int epochs = 10;
        private int batchSize = 128;
        private double learningRate = 1e-3;
        private long seed = 42;
        private double validationFraction = 0.1;
        private int patience = 3;
        private int maxSteps;
        private double distillationWeight;
        private double distillationTemperature = 2;
        private int progressEverySteps = 10;
        private boolean forceGcBeforeBackward;

        private Builder() {
        }

        /** @param v epochs @return this */
        public Builder optEpochs(int v) {
            epochs = v;
            return this;
        }

        /** @param v batch size @return this */
        public Builder optBatchSize(int v) {
            batchSize = v;
            return this;
        }

        /** @param v learning rate @return this */
        public Builder optLearningRate(double v) {
            learningRate = v;
            return this;
        }

        /** @param v seed @return this */
        public Builder optSeed(long v) {
            seed = v;
            return this;
        }

        /** @param v held-out fraction (0 disables early stopping) @return this */
        public Builder optValidationFraction(double v) {
            validationFraction = v;
            return this;
        }

        /** @param v patience in epochs @return this */
        public Builder optPatience(int v) {
            patience = v;
            return this;
        }

        /** @param v step budget (0 = none) @return this */
        public Builder optMaxSteps(int v) {
            maxSteps = v;
            return this;
        }

        /**
         * Enables distillation from a teacher's outputs on the training data.
         *
         * @param weight λ
         * @param temperature T
         * @return this
         */
        public Builder optDistillation(double weight, double temperature) {
            distillationWeight = weight;
            distillationTemperature = temperature;
            return this;
        }

        /** @param v progress callback period in steps @return this */
        public Builder optProgressEverySteps(int v) {
            progressEverySteps = v;
            return this;
        }

        /** @param v diagnostics: force a GC between forward and backward @return this */
        public Builder optForceGcBeforeBackward(boolean v) {
            forceGcBeforeBackward = v;
            return this;
        }

        /** @return the config */
        public TrainingConfig build() {
            return new TrainingConfig(epochs, batchSize, learningRate, seed, validationFraction, patience, maxSteps,
                    distillationWeight, distillationTemperature, progressEverySteps, forceGcBeforeBackward);
        }
    }
}
