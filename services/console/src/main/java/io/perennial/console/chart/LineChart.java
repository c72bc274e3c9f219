package io.perennial.console.chart;

import static io.perennial.console.chart.Svg.esc;
import static io.perennial.console.chart.Svg.n;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * A line chart as inline SVG: several series, optional threshold lines (dashed), highlighted points (alarms) and
 * vertical markers. The x axis is a number (sample count, version) or a time (epoch milliseconds).
 */
public final class LineChart {

    /** One point. */
    public record Point(double x, double y) {
    }

    /**
     * One line.
     *
     * @param style CSS class of the line: {@code s0}..{@code s5}, {@code threshold}
     * @param dots whether every point gets a dot (short series such as metrics per version)
     */
    public record Series(String name, List<Point> points, String style, boolean dots) {
    }

    /** A vertical marker, e.g. an alarm or a promotion, with a tooltip. */
    public record Marker(double x, String label) {
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private final String title;
    private final String xLabel;
    private final boolean timeAxis;
    private final List<Series> series = new ArrayList<>();
    private final List<Point> highlights = new ArrayList<>();
    private final List<String> highlightLabels = new ArrayList<>();
    private final List<Marker> markers = new ArrayList<>();
    private Double yMin;
    private Double yMax;
    private boolean integerX;

    /**
     * @param title the accessible name of the chart
     * @param xLabel what the x axis counts
     * @param timeAxis whether x values are epoch milliseconds
     */
    public LineChart(String title, String xLabel, boolean timeAxis) {
        this.title = title;
        this.xLabel = xLabel;
        this.timeAxis = timeAxis;
    }

    public LineChart series(String name, List<Point> points, String style, boolean dots) {
        series.add(new Series(name, List.copyOf(points), style, dots));
        return this;
    }

    /** A point drawn as a red dot with a tooltip (e.g. an evaluation that decided DRIFT). */
    public LineChart highlight(Point point, String label) {
        highlights.add(point);
        highlightLabels.add(label);
        return this;
    }

    public LineChart marker(double x, String label) {
        markers.add(new Marker(x, label));
        return this;
    }

    /** Fixes the y range (e.g. 0..1 for accuracies) instead of fitting it to the data. */
    public LineChart yRange(double min, double max) {
        this.yMin = min;
        this.yMax = max;
        return this;
    }

    /** Labels x ticks as whole numbers only (versions). */
    public LineChart integerX() {
        this.integerX = true;
        return this;
    }

    public boolean isEmpty() {
        return series.stream().allMatch(s -> s.points().isEmpty());
    }

    /** The chart as an {@code <svg>} element that scales to its container's width. */
    public String render(int width, int height) {
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (Point p : s.points()) {
                minX = Math.min(minX, p.x());
                maxX = Math.max(maxX, p.x());
                minY = Math.min(minY, p.y());
                maxY = Math.max(maxY, p.y());
            }
        }
        for (Marker m : markers) {
            minX = Math.min(minX, m.x());
            maxX = Math.max(maxX, m.x());
        }
        StringBuilder svg = new StringBuilder();
        if (minX == Double.POSITIVE_INFINITY) {
            return svg.append("<svg class=\"chart\" viewBox=\"0 0 ").append(width).append(" 60\" role=\"img\" "
                    + "aria-label=\"").append(esc(title)).append(": no data yet\"><title>").append(esc(title))
                    .append("</title><rect class=\"empty-box\" x=\"0\" y=\"0\" width=\"").append(width)
                    .append("\" height=\"60\" rx=\"8\"/><text class=\"empty\" x=\"").append(width / 2)
                    .append("\" y=\"35\" text-anchor=\"middle\">No data yet</text></svg>").toString();
        }
        svg.append("<svg class=\"chart\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" role=\"img\" aria-label=\"").append(esc(title)).append("\"><title>").append(esc(title))
                .append("</title>");
        if (yMin != null) {
            minY = Math.min(yMin, minY);
            maxY = Math.max(yMax, maxY);
        } else {
            double pad = (maxY - minY) * 0.08;
            if (pad == 0) {
                pad = Math.abs(maxY) * 0.1 + 1e-9;
            }
            minY = minY >= 0 && minY - pad < 0 ? 0 : minY - pad;
            maxY = maxY + pad;
        }
        if (maxX == minX) {
            minX -= 1;
            maxX += 1;
        }
        int left = 56;
        int right = 16;
        int top = 14;
        int bottom = 38;
        double plotW = width - left - right;
        double plotH = height - top - bottom;
        final double x0 = minX;
        final double x1 = maxX;
        final double y0 = minY;
        final double y1 = maxY;
        java.util.function.DoubleUnaryOperator sx = x -> left + (x - x0) / (x1 - x0) * plotW;
        java.util.function.DoubleUnaryOperator sy = y -> top + plotH - (y - y0) / (y1 - y0) * plotH;

        svg.append("<g class=\"grid\">");
        for (double t : Svg.ticks(y0, y1, 4)) {
            double y = sy.applyAsDouble(t);
            svg.append("<line x1=\"").append(left).append("\" x2=\"").append(width - right).append("\" y1=\"")
                    .append(n(y)).append("\" y2=\"").append(n(y)).append("\"/>");
            svg.append("<text class=\"tick\" x=\"").append(left - 6).append("\" y=\"").append(n(y + 4))
                    .append("\" text-anchor=\"end\">").append(esc(Svg.label(t))).append("</text>");
        }
        DateTimeFormatter timeFormat = (x1 - x0) > 86_400_000L ? DAY : (x1 - x0) < 20_000 ? MILLIS : TIME;
        for (double t : Svg.ticks(x0, x1, Math.max(2, width / 110))) {
            if (integerX && t != Math.rint(t)) {
                continue;
            }
            double x = sx.applyAsDouble(t);
            String text = timeAxis ? timeFormat.format(Instant.ofEpochMilli((long) t))
                    : integerX ? "v" + (long) t : Svg.label(t);
            svg.append("<text class=\"tick\" x=\"").append(n(x)).append("\" y=\"").append(height - bottom + 16)
                    .append("\" text-anchor=\"middle\">").append(esc(text)).append("</text>");
        }
        svg.append("</g>");
        svg.append("<line class=\"axis\" x1=\"").append(left).append("\" x2=\"").append(width - right)
                .append("\" y1=\"").append(n(top + plotH)).append("\" y2=\"").append(n(top + plotH)).append("\"/>");
        svg.append("<text class=\"axis-label\" x=\"").append(n(left + plotW / 2)).append("\" y=\"")
                .append(height - 4).append("\" text-anchor=\"middle\">").append(esc(xLabel)).append("</text>");

        for (Marker m : markers) {
            double x = sx.applyAsDouble(m.x());
            svg.append("<g class=\"marker\"><line x1=\"").append(n(x)).append("\" x2=\"").append(n(x))
                    .append("\" y1=\"").append(top).append("\" y2=\"").append(n(top + plotH)).append("\"/>")
                    .append("<title>").append(esc(m.label())).append("</title></g>");
        }
        for (Series s : series) {
            if (s.points().isEmpty()) {
                continue;
            }
            StringBuilder d = new StringBuilder();
            for (Point p : s.points()) {
                d.append(d.length() == 0 ? "M" : "L").append(n(sx.applyAsDouble(p.x()))).append(',')
                        .append(n(sy.applyAsDouble(p.y())));
            }
            svg.append("<path class=\"line ").append(esc(s.style())).append("\" d=\"").append(d)
                    .append("\"><title>").append(esc(s.name())).append("</title></path>");
            if (s.dots() || s.points().size() == 1) {
                for (Point p : s.points()) {
                    svg.append("<circle class=\"dot ").append(esc(s.style())).append("\" cx=\"")
                            .append(n(sx.applyAsDouble(p.x()))).append("\" cy=\"").append(n(sy.applyAsDouble(p.y())))
                            .append("\" r=\"3.5\"><title>").append(esc(s.name())).append(": ")
                            .append(esc(Svg.label(p.y()))).append("</title></circle>");
                }
            }
        }
        for (int i = 0; i < highlights.size(); i++) {
            Point p = highlights.get(i);
            svg.append("<circle class=\"alarm\" cx=\"").append(n(sx.applyAsDouble(p.x()))).append("\" cy=\"")
                    .append(n(sy.applyAsDouble(p.y()))).append("\" r=\"5\"><title>").append(esc(highlightLabels.get(i)))
                    .append("</title></circle>");
        }
        svg.append("</svg>");
        return svg.toString();
    }

    /** The legend entries (name and style) for the page to show next to the chart. */
    public List<Series> legend() {
        return List.copyOf(series);
    }
}
