package io.perennial.learning.adaptation;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.perennial.learning.routing.FeatureDescriptor;
import io.perennial.learning.routing.ReferenceDistances;

/**
 * The two fit tests of a window against a regime descriptor.
 *
 * <p><b>Fit</b>: each row's normalised distance to the regime's nearest class mean is compared, by the one-sided
 * {@link OneSidedKs} test, with the regime's out-of-fold reference distances ({@link ReferenceDistances}). The reference
 * rows are reweighted by \( \hat\pi_{w,c}/\pi_{t,c} \) (window over training prior of their class), so that a pure
 * prior shift does not count as a misfit.
 *
 * <p><b>Class-conditional fit</b>: the same on labelled rows with each row's distance to its own class mean (a class the
 * regime never saw counts as +∞), the reference reweighted to the labelled rows' class shares: inputs that moved given
 * their class show here even when the overall cloud did not.
 */
public final class RegimeFitTests {

    private RegimeFitTests() {
    }

    /**
     * Fit p-value.
     *
     * @param d the regime's descriptor
     * @param nearest each window row's normalised distance to the nearest class mean of {@code d}
     * @param windowPriors the window's estimated priors
     * @param classes C
     * @return p, or NaN without reference distances
     */
    public static double fitPValue(FeatureDescriptor d, double[] nearest, double[] windowPriors, int classes) {
        ReferenceDistances ref = d.reference();
        if (ref == null) {
            return Double.NaN;
        }
        return OneSidedKs.pValue(nearest, toDouble(ref.nearest()), weights(d, ref, windowPriors, classes));
    }

    /**
     * Class-conditional fit p-value.
     *
     * @param d the regime's descriptor (class-conditional, with class ids)
     * @param projected the window's projected features, row-major {@code [n, dim]}
     * @param labels labels
     * @param labelled which rows are labelled (null: all)
     * @param classes C
     * @return p, or NaN without reference distances or class ids
     */
    public static double classConditionalPValue(FeatureDescriptor d, float[] projected, int[] labels, boolean @Nullable [] labelled,
            int classes) {
        ReferenceDistances ref = d.reference();
        if (ref == null || d.groupClasses() == null) {
            return Double.NaN;
        }
        double[] own = ownClassDistances(d, projected, d.dim(), labels, labelled);
        double[] labelPriors = ClassPriors.normalise(ClassPriors.labelCounts(labels, labelled, classes));
        return OneSidedKs.pValue(own, toDouble(ref.own()), weights(d, ref, labelPriors, classes));
    }

    static double[] ownClassDistances(FeatureDescriptor d, float[] projected, int dim, int[] labels, boolean @Nullable [] labelled) {
        List<Double> out = new ArrayList<>();
        double[] f = new double[dim];
        for (int i = 0; i < labels.length; i++) {
            if (labelled != null && !labelled[i]) {
                continue;
            }
            int g = d.groupOf(labels[i]);
            if (g < 0) {
                out.add(Double.POSITIVE_INFINITY); // a class this regime never saw: as far as can be
                continue;
            }
            for (int j = 0; j < dim; j++) {
                f[j] = projected[i * dim + j];
            }
            out.add(d.distanceTo(f, g));
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double[] weights(FeatureDescriptor d, ReferenceDistances ref, double[] windowPriors, int classes) {
        int[] counts = d.classCounts();
        boolean priorsKnown = counts != null && counts.length == classes;
        double[] trainPriors = PriorEstimator.trainingPriors(d, classes);
        double[] w = new double[ref.size()];
        for (int j = 0; j < w.length; j++) {
            int c = ref.classes()[j];
            w[j] = priorsKnown && c >= 0 && c < trainPriors.length && trainPriors[c] > 0 ? windowPriors[c] / trainPriors[c] : 1;
        }
        return w;
    }

    private static double[] toDouble(float[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }
}
