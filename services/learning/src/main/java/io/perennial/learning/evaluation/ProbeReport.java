package io.perennial.learning.evaluation;

import java.util.ArrayList;
import java.util.List;

import io.perennial.formats.metrics.FlipRates;
import io.perennial.learning.data.LabeledData;

/**
 * A candidate's evaluation on every segment's probe: one row {@code R[i][·]} of the accuracy matrix,
 * plus flip rates against the serving version on the same probes.
 *
 * @param accuracies accuracy per probe, in segment order
 * @param expectedCalibrationErrors ECE per probe
 * @param flips flip rates against the serving version per probe (empty if none was given)
 * @param overallFlips flip rates pooled over all probes (null if no serving predictions)
 */
public record ProbeReport(List<Double> accuracies, List<Double> expectedCalibrationErrors, List<FlipRates> flips,
        @org.jspecify.annotations.Nullable FlipRates overallFlips) {

    /**
     * Builds a report.
     *
     * @param probes probes (labels)
     * @param candidate candidate predictions per probe
     * @param serving serving predictions per probe, or null
     * @return the report
     */
    public static ProbeReport of(List<LabeledData> probes, List<Predictions> candidate,
            @org.jspecify.annotations.Nullable List<Predictions> serving) {
        if (probes.size() != candidate.size() || (serving != null && serving.size() != probes.size())) {
            throw new IllegalArgumentException("shape mismatch: " + probes.size() + " probes but " + candidate.size()
                    + " candidate prediction sets" + (serving == null ? "" : " and " + serving.size() + " serving sets"));
        }
        List<Double> acc = new ArrayList<>();
        List<Double> ece = new ArrayList<>();
        List<FlipRates> flips = new ArrayList<>();
        int total = 0;
        double neg = 0;
        double pos = 0;
        for (int j = 0; j < probes.size(); j++) {
            int[] y = probes.get(j).labels();
            acc.add(candidate.get(j).accuracy(y));
            ece.add(candidate.get(j).expectedCalibrationError(y));
            if (serving != null) {
                FlipRates f = candidate.get(j).flipsAgainst(y, serving.get(j));
                flips.add(f);
                neg += f.negative() * f.samples();
                pos += f.positive() * f.samples();
                total += f.samples();
            }
        }
        FlipRates overall = serving == null ? null : new FlipRates(neg / total, pos / total, total);
        return new ProbeReport(List.copyOf(acc), List.copyOf(ece), List.copyOf(flips), overall);
    }

    /** Returns the accuracies as an array (a row of R). */
    public double[] accuracyRow() {
        return accuracies.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
