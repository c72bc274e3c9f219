package io.perennial.local.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the demo measured.
 *
 * @param points accuracy measurements over time
 * @param events alarms, jobs and promotions over time
 * @param regimes per-regime summary
 * @param matrixVersions rows of the final accuracy matrix (versions)
 * @param matrixSegments columns (segments)
 * @param matrix accuracy per version and segment (null: not measured)
 */
public record DemoResult(String dataset, String note, String stream, Instant startedAt, double seconds, List<Point> points,
        List<Event> events, List<RegimeResult> regimes, List<Integer> matrixVersions, List<String> matrixSegments,
        List<List<Double>> matrix, List<Breakdown> breakdowns) {

    /** One measurement: the serving version's and the frozen base's accuracy on the current regime's test slice. */
    public record Point(double t, long sample, int regime, Integer version, Double accuracy, Double frozenAccuracy) {
    }

    /**
     * Something the platform did. {@code kind}: alarm, job, promotion (a version that answers a stretch), or upkeep
     * (an archive or merge version that made room in the active set, or a refinement of the current regime).
     */
    public record Event(double t, String kind, String text, Integer version) {
    }

    /**
     * One regime.
     *
     * @param accuracyBefore serving accuracy on the regime before its adapter was promoted (null for the first regime)
     * @param accuracyAfter serving accuracy after the promotion
     * @param frozenAccuracy accuracy of the base model that never adapted, over the regime
     * @param secondsToAlarm first shifted sample to the first alarm
     * @param secondsToPromotion first shifted sample to the promotion of the regime's adapter
     * @param attempts what the platform tried during the regime, one line per job (kind, segment, state, and the
     *     gate's verdict), so a regime that never adapted says why
     * @param expectsAdaptation whether the stretch should have been answered with a new production version
     */
    public record RegimeResult(String name, double start, Double accuracyBefore, Double accuracyAfter,
            Double frozenAccuracy, Double secondsToAlarm, Double secondsToPromotion, Integer version,
            List<String> attempts, boolean expectsAdaptation) {

        /** Whether the platform put a new version into production for this regime (the first regime: any). */
        public boolean adapted() {
            return version != null;
        }
    }

    /** Seconds from the run's start to {@code instant}, the time axis of points and events. */
    public double at(Instant instant) {
        return Duration.between(startedAt, instant).toMillis() / 1000.0;
    }

    /** The shifted regimes that should have adapted and never got a version of their own into production. */
    public List<RegimeResult> unadapted() {
        return regimes.stream().filter(r -> r.expectsAdaptation() && !r.adapted()).toList();
    }

    /**
     * Where the time to adapt went, for one regime's adapter.
     *
     * @param detection first shifted sample to the alarm
     * @param waiting alarm to the job being scheduled (collecting the new regime's samples)
     * @param training job scheduled to its version registered and evaluated (queue, read, train, evaluate, upload)
     * @param promotion version registered to serving
     */
    public record Breakdown(String regime, Double detection, Double waiting, Double training, Double promotion) {
    }
}
