package io.perennial.local.bench.lifelong;

import io.perennial.local.demo.DemoResult;
import java.util.List;

/**
 * What one lifelong run on one data set measured.
 *
 * @param run the live loop's measurements (accuracy over time, alarms, jobs, promotions, per-stretch results)
 * @param stretches per stretch, what was expected and what the platform did
 * @param alarms every drift alarm with the decision it got
 * @param activeAdapters after each promotion, the production version's active and archived adapters
 * @param maxAdapters the policy's bound on active adapters
 */
public record LifelongResult(String dataset, DemoResult run, List<StretchRow> stretches, List<AlarmRow> alarms,
        List<ActiveSet> activeAdapters, int maxAdapters, long stableSamples) {

    /**
     * One stretch.
     *
     * @param oracle accuracy of the per-regime oracle on the stretch's test slice
     * @param decisions the decisions taken on alarms raised during the stretch
     */
    public record StretchRow(String name, LifelongScenario.Kind kind, Double before, Double after, Double frozen,
            double oracle, Integer version, Double secondsToServe, int alarms, List<String> decisions) {
    }

    /** One alarm and the decision it got ({@code null}: none recorded). */
    public record AlarmRow(double t, String stretch, String detector, String decision, String reason, String state) {
    }

    /** The active set as of one promotion. */
    public record ActiveSet(double t, int version, String kind, int active, int archived) {
    }

    /** Time-averaged serving accuracy over every measurement. */
    public double servingAverage() {
        return run.points().stream().filter(p -> p.accuracy() != null).mapToDouble(DemoResult.Point::accuracy)
                .average().orElse(Double.NaN);
    }

    /** Time-averaged accuracy of the oracle of the stretch each measurement fell in, over the same measurements. */
    public double oracleAverage() {
        return run.points().stream().filter(p -> p.accuracy() != null)
                .mapToDouble(p -> stretches.get(p.regime()).oracle()).average().orElse(Double.NaN);
    }

    /** Time-averaged accuracy of the frozen base over the same measurements. */
    public double frozenAverage() {
        return run.points().stream().filter(p -> p.frozenAccuracy() != null)
                .mapToDouble(DemoResult.Point::frozenAccuracy).average().orElse(Double.NaN);
    }

    /** Stretches that expected an answer and never got a version into production. */
    public long stuck() {
        return run.unadapted().size();
    }

    /** Alarms raised during stretches in which the stream stayed in its regime. */
    public long falseAlarms() {
        return stretches.stream().filter(s -> s.kind() == LifelongScenario.Kind.STABLE).mapToLong(StretchRow::alarms)
                .sum();
    }

    /** The largest number of active adapters production ever held. */
    public int peakActive() {
        return activeAdapters.stream().mapToInt(ActiveSet::active).max().orElse(0);
    }

    /** New-regime stretches whose answer gained less than one accuracy point over what served before. */
    public long adaptersGainingUnderOnePoint() {
        return stretches.stream().filter(s -> s.kind() == LifelongScenario.Kind.NEW && s.version() != null)
                .filter(s -> s.before() != null && s.after() != null && s.after() - s.before() < 0.01).count();
    }
}
