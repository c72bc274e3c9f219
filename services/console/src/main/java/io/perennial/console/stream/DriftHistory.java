package io.perennial.console.stream;

import io.perennial.console.chart.LineChart;
import io.perennial.console.chart.Svg;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * What the console derives from drift-service's stored evaluations and alarms: the ingest rate over time (samples
 * counted by the monitor between evaluations), one statistic-versus-threshold chart per detector with the
 * evaluations that decided DRIFT marked, and the segments between alarms with their offsets.
 */
public final class DriftHistory {

    /** One evaluation as the console needs it. */
    record Eval(String detector, String kind, String decision, Double statistic, Double pValue, Double threshold,
            long sequence, Instant at) {
    }

    /** A segment of the stream: from one alarm's start offsets (or the beginning) to the next alarm's. */
    public record Segment(int index, Map<Integer, Long> from, Map<Integer, Long> to, Instant startedAt,
            String openedBy) {
    }

    /** A detector's chart and the page's view of it. */
    public record DetectorChart(String detector, String kind, String svg, int alarms, String latestDecision,
            String axis) {
    }

    private DriftHistory() {
    }

    static List<Eval> parse(List<JsonNode> items) {
        List<Eval> out = new ArrayList<>();
        for (JsonNode n : items) {
            out.add(new Eval(n.path("detector").asString(""), n.path("kind").asString(""),
                    n.path("decision").asString(""), n.path("statistic").isNumber() ? n.path("statistic").asDouble() : null,
                    n.path("pValue").isNumber() ? n.path("pValue").asDouble() : null,
                    n.path("threshold").isNumber() ? n.path("threshold").asDouble() : null,
                    n.path("sequence").asLong(), parseTime(n.path("evaluatedAt").asString(null))));
        }
        out.sort(Comparator.comparingLong(Eval::sequence).thenComparing(Eval::at,
                Comparator.nullsFirst(Comparator.naturalOrder())));
        return out;
    }

    /**
     * Samples per second between consecutive evaluations (by the monitor's sample counter), oldest first.
     *
     * @param evaluations newest-first JSON of {@code GET /v1/drift/streams/{s}/evaluations}
     */
    public static List<LineChart.Point> ingestRate(List<JsonNode> evaluations) {
        TreeMap<Long, Instant> bySequence = new TreeMap<>();
        for (Eval e : parse(evaluations)) {
            if (e.at() != null && e.kind().equals("feature")) {
                bySequence.merge(e.sequence(), e.at(), (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        List<LineChart.Point> points = new ArrayList<>();
        Map.Entry<Long, Instant> previous = null;
        for (Map.Entry<Long, Instant> entry : bySequence.entrySet()) {
            if (previous != null) {
                double seconds = Math.max(0.5, (entry.getValue().toEpochMilli() - previous.getValue().toEpochMilli())
                        / 1000.0);
                points.add(new LineChart.Point(entry.getValue().toEpochMilli(),
                        (entry.getKey() - previous.getKey()) / seconds));
            }
            previous = entry;
        }
        return points;
    }

    /** Samples per second over the last {@code windowSeconds} before {@code now}, from the same counter. */
    public static double recentRate(List<JsonNode> evaluations, Instant now, long windowSeconds) {
        Instant since = now.minusSeconds(windowSeconds);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        long before = Long.MIN_VALUE;
        for (Eval e : parse(evaluations)) {
            if (e.at() == null || !e.kind().equals("feature")) {
                continue;
            }
            if (e.at().isBefore(since)) {
                before = Math.max(before, e.sequence());
            } else {
                min = Math.min(min, e.sequence());
                max = Math.max(max, e.sequence());
            }
        }
        if (max == Long.MIN_VALUE) {
            return 0;
        }
        long start = before != Long.MIN_VALUE ? before : min;
        return (max - start) / (double) windowSeconds;
    }

    /**
     * One chart per detector, DRIFT decisions marked. Window tests decide on a p-value against a level, so their chart
     * shows the evidence \(-\log_{10} p\) against \(-\log_{10}\) of the level (an alarm sits above the dashed
     * line); detectors without a p-value show their statistic against their threshold.
     */
    public static List<DetectorChart> detectorCharts(List<JsonNode> evaluations, List<JsonNode> alarms) {
        Map<String, List<Eval>> byDetector = new LinkedHashMap<>();
        for (Eval e : parse(evaluations)) {
            if (e.statistic() != null || e.pValue() != null) {
                byDetector.computeIfAbsent(e.detector(), k -> new ArrayList<>()).add(e);
            }
        }
        List<DetectorChart> charts = new ArrayList<>();
        byDetector.forEach((detector, list) -> {
            boolean evidence = list.stream().allMatch(e -> e.pValue() != null);
            List<LineChart.Point> stat = new ArrayList<>();
            List<LineChart.Point> threshold = new ArrayList<>();
            LineChart chart = new LineChart(detector + (evidence ? ": evidence of drift (-log10 p) and the alarm level"
                    : ": statistic and threshold") + " over the samples seen", "samples seen", false);
            int drifts = 0;
            for (Eval e : list) {
                double y = evidence ? evidence(e.pValue()) : e.statistic() == null ? 0 : e.statistic();
                stat.add(new LineChart.Point(e.sequence(), y));
                if (e.threshold() != null) {
                    threshold.add(new LineChart.Point(e.sequence(), evidence ? evidence(e.threshold()) : e.threshold()));
                }
                if (e.decision().equals("DRIFT")) {
                    drifts++;
                    chart.highlight(new LineChart.Point(e.sequence(), y), "alarm at sample " + e.sequence()
                            + ": statistic " + Svg.label(e.statistic() == null ? 0 : e.statistic())
                            + (e.pValue() == null ? "" : ", p = " + Svg.label(e.pValue()) + " < "
                                    + Svg.label(e.threshold() == null ? 0 : e.threshold())));
                    chart.marker(e.sequence(), "drift at sample " + e.sequence());
                }
            }
            chart.series(evidence ? "-log10 p" : "statistic", stat, "s0", false);
            chart.series(evidence ? "alarm level" : "threshold", threshold, "threshold", false);
            long raised = alarms.stream().filter(a -> a.path("detector").asString("").equals(detector)).count();
            charts.add(new DetectorChart(detector, list.get(0).kind(), chart.render(440, 210),
                    (int) Math.max(raised, drifts), list.get(list.size() - 1).decision(),
                    evidence ? "-log10 p (above the dashed level: alarm)" : "statistic vs threshold"));
        });
        return charts;
    }

    /** \(-\log_{10} p\), capped at 300 for p = 0. */
    static double evidence(double p) {
        return p <= 0 ? 300 : Math.min(300, -Math.log10(p));
    }

    /**
     * The segments between alarms, oldest first.
     *
     * @param alarms newest-first JSON of {@code GET /v1/drift/streams/{s}/alarms}
     */
    public static List<Segment> segments(List<JsonNode> alarms, Instant streamCreated) {
        List<JsonNode> oldestFirst = new ArrayList<>(alarms);
        oldestFirst.sort(Comparator.comparing(a -> a.path("detectedAt").asString("")));
        List<Segment> out = new ArrayList<>();
        Map<Integer, Long> from = Map.of();
        Instant started = streamCreated;
        String openedBy = "stream registered";
        int index = 0;
        for (JsonNode alarm : oldestFirst) {
            Map<Integer, Long> to = new TreeMap<>();
            alarm.path("startOffsets").properties().forEach(e -> to.put(Integer.parseInt(e.getKey()),
                    e.getValue().asLong()));
            out.add(new Segment(index++, from, to, started, openedBy));
            from = to;
            started = parseTime(alarm.path("detectedAt").asString(null));
            openedBy = alarm.path("detector").asString("") + " alarm (" + alarm.path("severity").asString("") + ")";
        }
        out.add(new Segment(index, from, null, started, openedBy));
        return out;
    }

    private static Instant parseTime(String iso) {
        try {
            return iso == null ? null : Instant.parse(iso);
        } catch (RuntimeException ex) {
            return null;
        }
    }
}
