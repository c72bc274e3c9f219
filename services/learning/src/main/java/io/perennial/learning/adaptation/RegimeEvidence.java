package io.perennial.learning.adaptation;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What one window says about one known regime. NaN means "not computable" (see {@link #notes}); in {@link #toMap()}
 * it becomes null.
 *
 * @param regime regime name
 * @param archived whether the regime is archived (out of routing)
 * @param routedShare share of the window's rows whose nearest regime, among every known regime (archived ones
 *     included), is this one
 * @param meanDistance mean normalised squared Mahalanobis distance of the rows to the regime's nearest class mean
 * @param pValue one-sided KS p-value that the window's distances come from the regime's own (out-of-fold) distance
 *     distribution, the reference reweighted to the window's priors
 * @param classConditionalPValue the same on labelled rows, with each row's distance to its own class mean
 * @param trainingPriors class shares of the regime's training window (uniform when unknown, see
 *     {@link #trainingPriorsKnown})
 * @param trainingPriorsKnown false for regimes saved before training class counts were kept
 * @param windowPriors the window's priors (labels or EM, see {@link #priorsFrom})
 * @param priorsFrom {@code "labels"} or {@code "em"}
 * @param priorShiftPValue G-test p-value of the window's class counts against the training counts
 * @param priorShiftTv total-variation distance between window and training priors
 * @param notes why a value is NaN, if any
 */
public record RegimeEvidence(String regime, boolean archived, double routedShare, double meanDistance, double pValue,
        double classConditionalPValue, double[] trainingPriors, boolean trainingPriorsKnown, double[] windowPriors, String priorsFrom,
        double priorShiftPValue, double priorShiftTv, List<String> notes) {

    /** JSON-friendly view (numbers, strings, booleans, lists; NaN as null). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("regime", regime);
        m.put("archived", archived);
        m.put("routedShare", num(routedShare));
        m.put("meanDistance", num(meanDistance));
        m.put("pValue", num(pValue));
        m.put("classConditionalPValue", num(classConditionalPValue));
        m.put("trainingPriors", list(trainingPriors));
        m.put("trainingPriorsKnown", trainingPriorsKnown);
        m.put("windowPriors", list(windowPriors));
        m.put("priorsFrom", priorsFrom);
        m.put("priorShiftPValue", num(priorShiftPValue));
        m.put("priorShiftTv", num(priorShiftTv));
        m.put("notes", List.copyOf(notes));
        return m;
    }

    static @Nullable Double num(double v) {
        return Double.isFinite(v) ? v : null;
    }

    static List<@Nullable Double> list(double[] v) {
        return Arrays.stream(v).mapToObj(RegimeEvidence::num).toList();
    }
}
