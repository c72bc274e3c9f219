package io.perennial.learning.adaptation;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

import io.perennial.learning.data.LabeledData;
import io.perennial.learning.evaluation.Evaluator;
import io.perennial.learning.lora.LoraAdapter;
import io.perennial.learning.model.LayerDelta;
import io.perennial.learning.routing.FeatureDescriptor;
import io.perennial.learning.routing.RoutedModel;

/**
 * Estimates a window's class priors for one regime: from labels when enough rows are labelled, otherwise by the EM
 * of {@link ClassPriors#saerensEm} on the posteriors of that regime's model (the base with the regime's adapter, no
 * prior correction).
 */
public final class PriorEstimator {

    /**
     * An estimate.
     *
     * @param priors one share per class
     * @param from {@code "labels"} or {@code "em"}
     * @param counts the counts behind it (labels) or the pseudo-counts {@code round(nπ)} (EM)
     */
    public record Estimate(double[] priors, String from, long[] counts) {
    }

    private PriorEstimator() {
    }

    /**
     * Estimates without validation (the assessment reports whatever the window gives).
     *
     * @param model routed model
     * @param regime regime name
     * @param window samples
     * @param labelled which rows carry a label (null: all)
     * @return the estimate
     */
    public static Estimate estimate(RoutedModel model, String regime, LabeledData window, boolean @Nullable [] labelled) {
        int classes = model.base().spec().classes();
        int labelledRows = labelled == null ? window.size() : countTrue(labelled);
        if (ClassPriors.labelsSuffice(labelledRows, window.size())) {
            long[] counts = ClassPriors.labelCounts(window.labels(), labelled, classes);
            return new Estimate(ClassPriors.normalise(counts), "labels", counts);
        }
        double[] trainPriors = trainingPriors(descriptor(model, regime), classes);
        LoraAdapter a = model.adapterOf(regime);
        float[] probs = Evaluator.predict(model.base(), a == null ? LayerDelta.NONE : a, window).probabilities();
        double[] pi = ClassPriors.saerensEm(probs, classes, trainPriors);
        return new Estimate(pi, "em", ClassPriors.pseudoCounts(pi, window.size()));
    }

    /**
     * Estimates for a prior correction, refusing degenerate windows and regimes.
     *
     * @param model routed model
     * @param regime regime name
     * @param window samples
     * @param labelled which rows carry a label (null: all)
     * @return the priors
     * @throws IllegalArgumentException with the reason: too few rows, a single class, an empty estimated class, unknown
     *     training priors or a training prior with an empty class
     */
    public static double[] estimateForCorrection(RoutedModel model, String regime, LabeledData window, boolean @Nullable [] labelled) {
        int classes = model.base().spec().classes();
        int[] trainCounts = PriorCorrection.requireUsableTrainingCounts(regime, descriptor(model, regime), classes);
        if (window.size() < ClassPriors.MIN_ROWS) {
            throw new IllegalArgumentException("degenerate window for regime '" + regime + "': " + window.size()
                    + " rows, a prior estimate needs at least " + ClassPriors.MIN_ROWS);
        }
        Estimate e = estimate(model, regime, window, labelled);
        int present = 0;
        int top = 0;
        for (int c = 0; c < classes; c++) {
            if (e.counts()[c] > 0) {
                present++;
            }
            if (e.priors()[c] > e.priors()[top]) {
                top = c;
            }
        }
        if (present <= 1) {
            throw new IllegalArgumentException("degenerate window for regime '" + regime + "': a single class (" + top
                    + ") in the " + e.from() + " estimate");
        }
        for (int c = 0; c < classes; c++) {
            if (e.counts()[c] == 0) {
                throw new IllegalArgumentException("prior estimate for regime '" + regime + "' has an empty class " + c + " ("
                        + e.from() + ", " + window.size() + " rows; training had " + trainCounts[c]
                        + "): a log-prior correction would be -infinity");
            }
        }
        return e.priors();
    }

    static double[] trainingPriors(FeatureDescriptor d, int classes) {
        int[] counts = d.classCounts();
        if (counts == null || counts.length != classes || Arrays.stream(counts).sum() == 0) {
            double[] u = new double[classes];
            Arrays.fill(u, 1.0 / classes);
            return u;
        }
        return ClassPriors.normalise(counts);
    }

    static FeatureDescriptor descriptor(RoutedModel model, String regime) {
        return model.router().descriptors().stream().filter(d -> d.name().equals(regime)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no regime '" + regime + "' (have " + model.router().regimeNames() + ")"));
    }

    static int countTrue(boolean[] v) {
        int n = 0;
        for (boolean b : v) {
            if (b) {
                n++;
            }
        }
        return n;
    }
}
