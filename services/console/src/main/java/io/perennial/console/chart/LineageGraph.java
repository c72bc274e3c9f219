package io.perennial.console.chart;

import static io.perennial.console.chart.Svg.esc;
import static io.perennial.console.chart.Svg.n;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * The lineage DAG of a version, laid out left to right: each version in the column of its longest path from a root
 * (base → adapters → merges), parent edges solid, merged-from edges dashed with the adapter's name. Each node links
 * to its version page.
 */
public final class LineageGraph {

    /** A version in the graph. */
    public record Node(int version, String kind, List<String> aliases) {
    }

    /** {@code to} derives from {@code from}. */
    public record Edge(int from, int to, String relation, String adapter) {
    }

    private LineageGraph() {
    }

    /**
     * @param current the version whose page this is (outlined)
     * @param link the URL of a version's page
     */
    public static String render(String title, List<Node> nodes, List<Edge> edges, int current, IntFunction<String> link) {
        Map<Integer, Integer> depth = new HashMap<>();
        List<Node> sorted = new ArrayList<>(nodes);
        sorted.sort((a, b) -> Integer.compare(a.version(), b.version()));
        for (Node node : sorted) { // ancestors are always older versions, so one pass in version order suffices
            int d = 0;
            for (Edge e : edges) {
                if (e.to() == node.version() && depth.containsKey(e.from())) {
                    d = Math.max(d, depth.get(e.from()) + 1);
                }
            }
            depth.put(node.version(), d);
        }
        Map<Integer, List<Node>> columns = new TreeMap<>();
        for (Node node : sorted) {
            columns.computeIfAbsent(depth.get(node.version()), k -> new ArrayList<>()).add(node);
        }
        int boxW = 128;
        int boxH = 52;
        int gapX = 76;
        int gapY = 22;
        int rows = columns.values().stream().mapToInt(List::size).max().orElse(1);
        int width = Math.max(1, columns.size()) * (boxW + gapX) - gapX + 24;
        int height = rows * (boxH + gapY) - gapY + 24;
        Map<Integer, double[]> pos = new HashMap<>();
        columns.forEach((col, list) -> {
            double offset = (height - 24 - (list.size() * (boxH + gapY) - gapY)) / 2.0;
            for (int i = 0; i < list.size(); i++) {
                pos.put(list.get(i).version(), new double[] {12 + col * (boxW + gapX), 12 + offset + i * (boxH + gapY)});
            }
        });
        StringBuilder svg = new StringBuilder();
        svg.append("<svg class=\"lineage\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" style=\"max-width:").append(width).append("px\" role=\"img\" aria-label=\"")
                .append(esc(title)).append("\"><title>").append(esc(title)).append("</title>")
                .append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" "
                        + "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0L10,5L0,10z\"/></marker></defs>");
        for (Edge e : edges) {
            double[] a = pos.get(e.from());
            double[] b = pos.get(e.to());
            if (a == null || b == null) {
                continue;
            }
            double ax = a[0] + boxW;
            double ay = a[1] + boxH / 2.0;
            double bx = b[0];
            double by = b[1] + boxH / 2.0;
            double mx = (ax + bx) / 2;
            boolean merged = "merged-from".equals(e.relation());
            svg.append("<path class=\"edge").append(merged ? " merged" : "").append("\" d=\"M").append(n(ax))
                    .append(',').append(n(ay)).append(" C").append(n(mx)).append(',').append(n(ay)).append(' ')
                    .append(n(mx)).append(',').append(n(by)).append(' ').append(n(bx)).append(',').append(n(by))
                    .append("\" marker-end=\"url(#arrow)\"><title>").append(esc("v" + e.from() + " → v" + e.to()
                            + " (" + e.relation() + (e.adapter() == null ? "" : ": " + e.adapter()) + ")"))
                    .append("</title></path>");
            if (merged && e.adapter() != null) {
                svg.append("<text class=\"edge-label\" x=\"").append(n(mx)).append("\" y=\"").append(n((ay + by) / 2 - 4))
                        .append("\" text-anchor=\"middle\">").append(esc(e.adapter())).append("</text>");
            }
        }
        for (Node node : sorted) {
            double[] p = pos.get(node.version());
            String cls = "node kind-" + esc(node.kind()) + (node.version() == current ? " current" : "")
                    + (node.aliases().contains("production") ? " production" : "");
            svg.append("<a href=\"").append(esc(link.apply(node.version()))).append("\"><g class=\"").append(cls)
                    .append("\"><rect x=\"").append(n(p[0])).append("\" y=\"").append(n(p[1])).append("\" width=\"")
                    .append(boxW).append("\" height=\"").append(boxH).append("\" rx=\"8\"/>")
                    .append("<text class=\"node-title\" x=\"").append(n(p[0] + 10)).append("\" y=\"").append(n(p[1] + 20))
                    .append("\">v").append(node.version()).append(" · ").append(esc(node.kind())).append("</text>");
            if (!node.aliases().isEmpty()) {
                svg.append("<text class=\"node-alias\" x=\"").append(n(p[0] + 10)).append("\" y=\"")
                        .append(n(p[1] + 40)).append("\">").append(esc(String.join(", ", node.aliases())))
                        .append("</text>");
            }
            svg.append("<title>").append(esc("version " + node.version() + " (" + node.kind() + ")"
                    + (node.aliases().isEmpty() ? "" : ", aliases: " + String.join(", ", node.aliases()))))
                    .append("</title></g></a>");
        }
        svg.append("</svg>");
        return svg.toString();
    }
}
