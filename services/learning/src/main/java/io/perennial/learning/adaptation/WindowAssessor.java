package io.perennial.learning.adaptation;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.perennial.learning.data.LabeledData;
import io.perennial.learning.routing.FeatureDescriptor;
import io.perennial.learning.routing.RoutedModel;
import io.perennial.learning.routing.Routing;

/**
 * Computes a {@link WindowAssessment}: for every known regime the routed share, the mean distance, the fit tests
 * and the prior evidence, plus the similarity of the active adapters.
 *
 * <p>The fit tests are {@link RegimeFitTests}'.
 */
public final class WindowAssessor {

    /** Fewer labelled rows than this leave the class-conditional test undecided (NaN). */
    public static final int MIN_LABELLED = 20;

    private WindowAssessor() {
    }

    /**
     * Assesses a window.
     *
     * @param model the routed model (its router holds every known regime; archived ones are flagged)
     * @param window samples
     * @param labelled which rows carry a real label (null: all)
     * @return the assessment
     */
    public static WindowAssessment assess(RoutedModel model, LabeledData window, boolean @Nullable [] labelled) {
        if (window.isEmpty()) {
            throw new IllegalArgumentException("empty window: nothing to assess");
        }
        if (labelled != null && labelled.length != window.size()) {
            throw new IllegalArgumentException("shape mismatch: " + labelled.length + " labelled flags for " + window.size() + " rows");
        }
        int n = window.size();
        int classes = model.base().spec().classes();
        int labelledRows = labelled == null ? n : PriorEstimator.countTrue(labelled);
        List<FeatureDescriptor> descriptors = model.router().descriptors();
        Set<String> archived = model.router().archived();
        Routing all = model.routeAll(window);
        int kk = descriptors.size();
        float[] projected = model.router().project(RoutedModel.baseFeatures(model.base(), window));
        List<RegimeEvidence> out = new ArrayList<>();
        for (int k = 0; k < kk; k++) {
            FeatureDescriptor d = descriptors.get(k);
            List<String> notes = new ArrayList<>();
            double[] nearest = new double[n];
            int routed = 0;
            double sum = 0;
            for (int i = 0; i < n; i++) {
                nearest[i] = all.distances()[i * kk + k];
                sum += nearest[i];
                if (all.assignment()[i] == k) {
                    routed++;
                }
            }
            int[] trainCounts = d.classCounts();
            boolean priorsKnown = trainCounts != null && trainCounts.length == classes;
            if (!priorsKnown) {
                notes.add("training class counts unknown (regime saved before they were kept): priors taken as uniform");
            }
            double[] trainPriors = PriorEstimator.trainingPriors(d, classes);
            PriorEstimator.Estimate est = PriorEstimator.estimate(model, d.name(), window, labelled);
            double pFit = RegimeFitTests.fitPValue(d, nearest, est.priors(), classes);
            double pClass = Double.NaN;
            if (d.reference() == null) {
                notes.add("no reference distances (regime saved before they were kept): fit tests not computed");
            } else if (labelledRows < MIN_LABELLED) {
                notes.add("class-conditional test needs " + MIN_LABELLED + " labelled rows, got " + labelledRows);
            } else if (d.groupClasses() == null) {
                notes.add("class of each descriptor mean unknown (plain descriptor or saved before): class-conditional test not computed");
            } else {
                pClass = RegimeFitTests.classConditionalPValue(d, projected, window.labels(), labelled, classes);
            }
            double pShift = Double.NaN;
            double tv = Double.NaN;
            if (priorsKnown) {
                pShift = ClassPriors.shiftPValue(est.counts(), java.util.Arrays.stream(trainCounts).asLongStream().toArray());
                tv = ClassPriors.totalVariation(est.priors(), trainPriors);
            } else {
                notes.add("prior-shift test needs the training class counts");
            }
            out.add(new RegimeEvidence(d.name(), archived.contains(d.name()), (double) routed / n, sum / n, pFit, pClass, trainPriors,
                    priorsKnown, est.priors(), est.from(), pShift, tv, notes));
        }
        return new WindowAssessment(n, labelledRows, out, AdapterSimilarities.of(model));
    }

}
