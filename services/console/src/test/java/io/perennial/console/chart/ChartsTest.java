package io.perennial.console.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChartsTest {

    private static final String HOSTILE = "<script>alert(1)</script>\"'&";

    @Test
    void lineChartEscapesTitlesSeriesAndMarkersAndMarksAlarms() {
        String svg = new LineChart(HOSTILE, HOSTILE, false)
                .series(HOSTILE, List.of(new LineChart.Point(0, 1), new LineChart.Point(10, 3)), "s0", true)
                .highlight(new LineChart.Point(10, 3), HOSTILE).marker(10, HOSTILE).render(400, 200);
        assertThat(svg).doesNotContain("<script>").contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;");
        assertThat(svg).contains("class=\"alarm\"").contains("class=\"marker\"").contains("<path class=\"line s0\"");
    }

    @Test
    void emptyLineChartSaysSo() {
        assertThat(new LineChart("loss", "step", false).series("loss", List.of(), "s0", false).render(400, 200))
                .contains("No data yet").contains("aria-label=\"loss: no data yet\"");
    }

    @Test
    void ticksAreRoundAndCoverTheRange() {
        assertThat(Svg.ticks(0, 1, 4)).containsExactly(0, 0.25, 0.5, 0.75, 1.0);
        assertThat(Svg.ticks(3, 97, 4)).containsExactly(25, 50, 75);
    }

    @Test
    void heatmapColoursCellsHighlightsTheRowAndHatchesMissingCells() {
        String svg = Heatmap.render("m", List.of("v1", "v2"), List.of("regime-0", HOSTILE),
                List.of(Arrays.asList(0.95, null), List.of(0.90, 0.55)), 1);
        assertThat(svg).contains("url(#hatch)").contains("class=\"row-highlight\"").contains(">95.0<")
                .contains(Heatmap.color(0.95)).doesNotContain("<script>");
        assertThat(Heatmap.color(1.0)).isEqualTo("rgb(27,127,55)");
        assertThat(Heatmap.color(0.2)).isEqualTo("rgb(198,40,40)");
    }

    @Test
    void heatmapMarksArchivedCellsButStillShowsTheirAccuracy() {
        String svg = Heatmap.render("m", List.of("v3", "v4"), List.of("seg-0", "seg-1"),
                List.of(List.of(0.9, 0.55), Arrays.asList(0.9, null)),
                List.of(List.of(false, true), Arrays.asList(false, null)), 0);
        assertThat(svg.split("class=\"cell archived\"", -1)).hasSize(2);
        assertThat(svg.split("class=\"archived-mark\"", -1)).hasSize(2);
        assertThat(svg).contains(">55.0<").contains("v3 on seg-1: 55.0% (archived: not gated)")
                .contains("v4 on seg-1: not measured</title>");
        // without the archived matrix (an older registry) nothing is marked
        assertThat(Heatmap.render("m", List.of("v3"), List.of("seg-0", "seg-1"), List.of(List.of(0.9, 0.55)), 0))
                .doesNotContain("archived");
    }

    @Test
    void lineageLaysOutBaseAdaptersAndMergesLeftToRightWithLinks() {
        List<LineageGraph.Node> nodes = List.of(new LineageGraph.Node(1, "base", List.of("previous")),
                new LineageGraph.Node(2, "adapter", List.of()), new LineageGraph.Node(3, "adapter", List.of()),
                new LineageGraph.Node(4, "merge", List.of("production", HOSTILE)));
        List<LineageGraph.Edge> edges = List.of(new LineageGraph.Edge(1, 2, "parent", null),
                new LineageGraph.Edge(1, 3, "parent", null), new LineageGraph.Edge(1, 4, "parent", null),
                new LineageGraph.Edge(2, 4, "merged-from", "rot30"), new LineageGraph.Edge(3, 4, "merged-from", "rot60"));
        String svg = LineageGraph.render("lineage", nodes, edges, 4, v -> "/ui/models/m/versions/" + v);
        assertThat(svg).contains("href=\"/ui/models/m/versions/3\"").contains("class=\"edge merged\"")
                .contains(">rot30<").contains("node kind-merge current production").doesNotContain("<script>");
        // the merge sits one column right of the adapters, which sit right of the base
        assertThat(svg.indexOf("x=\"12.0\"")).isPositive();
        assertThat(svg).contains("x=\"420.0\"");
    }
}
