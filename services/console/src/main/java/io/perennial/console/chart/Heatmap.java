package io.perennial.console.chart;

import static io.perennial.console.chart.Svg.esc;
import static io.perennial.console.chart.Svg.n;

import java.util.List;
import java.util.Locale;

/**
 * The accuracy matrix as a heatmap: one row per version, one column per segment, each cell coloured from red (low)
 * through amber to green (high) with its value written in it; a missing cell is hatched grey. A cell whose segment
 * that version's report marked archived (its regime deliberately out of routing) is faded with a dashed outline: its
 * accuracy is shown but not gated.
 */
public final class Heatmap {

    private Heatmap() {
    }

    /**
     * @param rowLabels one per row (e.g. {@code v3})
     * @param columnLabels one per column (segment names)
     * @param values {@code values[row][column]} in [0, 1], {@code null} when not measured
     * @param highlightRow the row to outline, -1 for none
     */
    public static String render(String title, List<String> rowLabels, List<String> columnLabels,
            List<List<Double>> values, int highlightRow) {
        return render(title, rowLabels, columnLabels, values, List.of(), highlightRow);
    }

    /**
     * @param archived {@code archived[row][column]}: whether that row's report marked the segment archived (a
     *     missing row or a null cell: not archived)
     */
    public static String render(String title, List<String> rowLabels, List<String> columnLabels,
            List<List<Double>> values, List<List<Boolean>> archived, int highlightRow) {
        int cell = 64;
        int cellH = 34;
        int left = 64;
        int top = 70;
        int width = left + Math.max(1, columnLabels.size()) * cell + 8;
        int height = top + Math.max(1, rowLabels.size()) * cellH + 8;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg class=\"heatmap\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" style=\"max-width:").append(width * 1.4).append("px\" role=\"img\" aria-label=\"")
                .append(esc(title)).append("\"><title>").append(esc(title)).append("</title>");
        for (int c = 0; c < columnLabels.size(); c++) {
            double x = left + c * cell + cell / 2.0;
            svg.append("<text class=\"col-label\" transform=\"translate(").append(n(x)).append(',').append(top - 8)
                    .append(") rotate(-35)\">").append(esc(shorten(columnLabels.get(c)))).append("<title>")
                    .append(esc(columnLabels.get(c))).append("</title></text>");
        }
        for (int r = 0; r < rowLabels.size(); r++) {
            double y = top + r * cellH;
            svg.append("<text class=\"row-label\" x=\"").append(left - 8).append("\" y=\"").append(n(y + cellH / 2.0 + 4))
                    .append("\" text-anchor=\"end\">").append(esc(rowLabels.get(r))).append("</text>");
            List<Double> row = r < values.size() ? values.get(r) : List.of();
            List<Boolean> archivedRow = r < archived.size() && archived.get(r) != null ? archived.get(r) : List.of();
            for (int c = 0; c < columnLabels.size(); c++) {
                Double v = c < row.size() ? row.get(c) : null;
                boolean off = v != null && c < archivedRow.size() && Boolean.TRUE.equals(archivedRow.get(c));
                double x = left + c * cell;
                String tip = rowLabels.get(r) + " on " + columnLabels.get(c) + ": "
                        + (v == null ? "not measured" : String.format(Locale.ROOT, "%.1f%%", v * 100))
                        + (off ? " (archived: not gated)" : "");
                svg.append(off ? "<g class=\"cell archived\"><rect x=\"" : "<g class=\"cell\"><rect x=\"").append(n(x + 1)).append("\" y=\"").append(n(y + 1))
                        .append("\" width=\"").append(cell - 2).append("\" height=\"").append(cellH - 2)
                        .append("\" rx=\"3\" fill=\"").append(v == null ? "url(#hatch)" : color(v)).append("\"/>");
                if (v != null) {
                    svg.append("<text x=\"").append(n(x + cell / 2.0)).append("\" y=\"").append(n(y + cellH / 2.0 + 4))
                            .append("\" text-anchor=\"middle\" class=\"").append(v < 0.35 || v > 0.9 ? "light" : "dark")
                            .append("\">").append(String.format(Locale.ROOT, "%.1f", v * 100)).append("</text>");
                }
                if (off) {
                    svg.append("<rect class=\"archived-mark\" x=\"").append(n(x + 3)).append("\" y=\"").append(n(y + 3))
                            .append("\" width=\"").append(cell - 6).append("\" height=\"").append(cellH - 6)
                            .append("\" rx=\"2\"/>");
                }
                svg.append("<title>").append(esc(tip)).append("</title></g>");
            }
            if (r == highlightRow) {
                svg.append("<rect class=\"row-highlight\" x=\"").append(left - 2).append("\" y=\"").append(n(y - 1))
                        .append("\" width=\"").append(columnLabels.size() * cell + 4).append("\" height=\"")
                        .append(cellH + 2).append("\" rx=\"4\"/>");
            }
        }
        svg.append("<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
                + "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#eef0f3\"/>"
                + "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#d5d9e0\" stroke-width=\"2\"/></pattern></defs>");
        svg.append("</svg>");
        return svg.toString();
    }

    /** Red (0.5 and below) → amber (0.75) → green (1.0): the range where accuracies differ in practice. */
    static String color(double v) {
        double t = Math.max(0, Math.min(1, (v - 0.5) / 0.5));
        int[] red = {198, 40, 40};
        int[] amber = {240, 180, 41};
        int[] green = {27, 127, 55};
        int[] a = t < 0.5 ? red : amber;
        int[] b = t < 0.5 ? amber : green;
        double u = t < 0.5 ? t * 2 : (t - 0.5) * 2;
        return String.format(Locale.ROOT, "rgb(%d,%d,%d)", Math.round(a[0] + (b[0] - a[0]) * u),
                Math.round(a[1] + (b[1] - a[1]) * u), Math.round(a[2] + (b[2] - a[2]) * u));
    }

    private static String shorten(String s) {
        return s.length() <= 12 ? s : s.substring(0, 11) + "…";
    }
}
