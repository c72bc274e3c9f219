package io.perennial.console.model;

import static io.perennial.console.client.ServiceClient.seg;

import io.perennial.console.chart.Heatmap;
import io.perennial.console.chart.LineChart;
import io.perennial.console.chart.LineageGraph;
import io.perennial.console.client.ServiceClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.JsonNode;

/** Models, their versions, one version in depth, and the promotion workflow (gate first, then confirm). */
@Controller
public class ModelPageController {

    /** Metrics shown as columns of the versions table. */
    static final List<String> KEY_METRICS = List.of("averageAccuracy", "newestAccuracy", "forgetting",
            "negativeFlipRate");

    /** Longest reason accepted (the registry's limit). */
    static final int MAX_REASON = 1000;

    private final ServiceClient services;

    public ModelPageController(ServiceClient services) {
        this.services = services;
    }

    @GetMapping("/ui/models")
    public String models(Model model) {
        ServiceClient.Result models = services.get("registry-service", "/v1/models?limit=500");
        model.addAttribute("models", models);
        Map<String, Map<String, Integer>> aliases = new HashMap<>();
        for (JsonNode m : models.items()) {
            String name = m.path("name").asString();
            Map<String, Integer> byName = new LinkedHashMap<>();
            services.get("registry-service", "/v1/models/" + seg(name) + "/aliases").items()
                    .forEach(a -> byName.put(a.path("alias").asString(), a.path("version").asInt()));
            aliases.put(name, byName);
        }
        model.addAttribute("aliases", aliases);
        return "models";
    }

    @GetMapping("/ui/models/{name}")
    public String model(@PathVariable String name, @RequestParam(defaultValue = "averageAccuracy") String metric,
            @RequestParam(defaultValue = "0") int offset, Model model) {
        String m = seg(name);
        ServiceClient.Result info = services.get("registry-service", "/v1/models/" + m);
        if (info.status() == 404) {
            return notFound(model, "No such model", "There is no model named '" + name + "'.");
        }
        int page = Math.max(0, offset);
        ServiceClient.Result versions = services.get("registry-service",
                "/v1/models/" + m + "/versions?limit=50&offset=" + page);
        ServiceClient.Result names = services.get("registry-service", "/v1/models/" + m + "/metrics");
        List<String> metricNames = new ArrayList<>();
        names.items().forEach(n -> metricNames.add(n.asString()));
        String chosen = metricNames.contains(metric) || metricNames.isEmpty() ? metric : metricNames.get(0);
        Map<String, Map<Integer, Double>> keyMetrics = new LinkedHashMap<>();
        for (String k : KEY_METRICS) {
            Map<Integer, Double> byVersion = new HashMap<>();
            services.get("registry-service", "/v1/models/" + m + "/metrics/" + seg(k)).body().path("points")
                    .forEach(p -> byVersion.put(p.path("version").asInt(), p.path("value").asDouble()));
            keyMetrics.put(k, byVersion);
        }
        ServiceClient.Result aliases = services.get("registry-service", "/v1/models/" + m + "/aliases");
        Map<String, Integer> aliasMap = new LinkedHashMap<>();
        aliases.items().forEach(a -> aliasMap.put(a.path("alias").asString(), a.path("version").asInt()));

        ServiceClient.Result series = services.get("registry-service", "/v1/models/" + m + "/metrics/" + seg(chosen));
        List<LineChart.Point> points = new ArrayList<>();
        series.body().path("points").forEach(p -> points.add(new LineChart.Point(p.path("version").asInt(),
                p.path("value").asDouble())));
        LineChart chart = new LineChart(chosen + " across versions of " + name, "version", false).integerX()
                .series(chosen, points, "s0", true);
        if (aliasMap.containsKey("production")) {
            chart.marker(aliasMap.get("production"), "production: v" + aliasMap.get("production"));
        }
        if (chosen.toLowerCase().contains("accuracy")) {
            chart.yRange(0, 1);
        }
        model.addAttribute("name", name);
        model.addAttribute("info", info);
        model.addAttribute("versions", versions);
        model.addAttribute("offset", page);
        model.addAttribute("metricNames", metricNames);
        model.addAttribute("metric", chosen);
        model.addAttribute("metricSvg", chart.render(760, 240));
        model.addAttribute("keyMetrics", keyMetrics);
        model.addAttribute("aliasMap", aliasMap);
        model.addAttribute("aliasesError", aliases.error());
        model.addAttribute("gatePolicy", services.get("registry-service", "/v1/models/" + m + "/gate"));
        model.addAttribute("audit", services.get("registry-service", "/v1/models/" + m + "/audit?limit=15"));
        return "model";
    }

    @GetMapping("/ui/models/{name}/versions/{version}")
    public String version(@PathVariable String name, @PathVariable int version, Model model) {
        String m = seg(name);
        ServiceClient.Result v = services.get("registry-service", "/v1/models/" + m + "/versions/" + version);
        if (v.status() == 404) {
            return notFound(model, "No such version", "Model '" + name + "' has no version " + version + ".");
        }
        model.addAttribute("name", name);
        model.addAttribute("number", version);
        model.addAttribute("v", v);
        model.addAttribute("router", v.ok() ? RouterView.of(v.body().path("router")) : null);
        ServiceClient.Result evaluations = services.get("registry-service",
                "/v1/models/" + m + "/versions/" + version + "/evaluations");
        model.addAttribute("evaluation", evaluations.items().isEmpty() ? null : evaluations.items().get(0));
        model.addAttribute("evaluationsError", evaluations.error());
        model.addAttribute("gate", services.get("registry-service", "/v1/models/" + m + "/versions/" + version
                + "/gate"));

        ServiceClient.Result matrix = services.get("registry-service", "/v1/models/" + m + "/accuracy-matrix");
        model.addAttribute("matrixError", matrix.error());
        model.addAttribute("heatmapSvg", matrix.ok() ? heatmap(name, matrix.body(), version) : null);

        ServiceClient.Result lineage = services.get("registry-service",
                "/v1/models/" + m + "/versions/" + version + "/lineage");
        model.addAttribute("lineageError", lineage.error());
        model.addAttribute("lineageSvg", lineage.ok() ? lineage(name, lineage.body(), version) : null);
        Map<String, Integer> aliasMap = new LinkedHashMap<>();
        services.get("registry-service", "/v1/models/" + m + "/aliases").items()
                .forEach(a -> aliasMap.put(a.path("alias").asString(), a.path("version").asInt()));
        model.addAttribute("aliasMap", aliasMap);
        return "version";
    }

    /** Step 1 of a promotion: the gate's verdict, condition by condition, then the confirm (or force) form. */
    @GetMapping("/ui/models/{name}/versions/{version}/promote")
    public String confirmPromote(@PathVariable String name, @PathVariable int version, Model model) {
        String m = seg(name);
        ServiceClient.Result v = services.get("registry-service", "/v1/models/" + m + "/versions/" + version);
        if (v.status() == 404) {
            return notFound(model, "No such version", "Model '" + name + "' has no version " + version + ".");
        }
        model.addAttribute("name", name);
        model.addAttribute("number", version);
        model.addAttribute("v", v);
        model.addAttribute("gate", services.get("registry-service", "/v1/models/" + m + "/versions/" + version
                + "/gate"));
        Map<String, Integer> aliasMap = new LinkedHashMap<>();
        ServiceClient.Result aliases = services.get("registry-service", "/v1/models/" + m + "/aliases");
        aliases.items().forEach(a -> aliasMap.put(a.path("alias").asString(), a.path("version").asInt()));
        model.addAttribute("aliasMap", aliasMap);
        return "promote";
    }

    /** Step 2: promote; with {@code force}, a reason is required. A gate refusal comes back with its conditions. */
    @PostMapping("/ui/models/{name}/versions/{version}/promote")
    public String promote(@PathVariable String name, @PathVariable int version,
            @RequestParam(defaultValue = "false") boolean force, @RequestParam(required = false) String reason,
            @RequestParam(required = false) Integer expectedProduction, Authentication auth,
            RedirectAttributes redirect) {
        String m = seg(name);
        String back = "redirect:/ui/models/" + m + "/versions/" + version + "/promote";
        String why = reason == null ? "" : reason.trim();
        if (force && why.isEmpty()) {
            redirect.addFlashAttribute("error", "A forced promotion needs a reason: say why the gate is overridden.");
            return back;
        }
        if (why.length() > MAX_REASON) {
            redirect.addFlashAttribute("error", "The reason is too long (" + why.length() + " characters, at most "
                    + MAX_REASON + ").");
            redirect.addFlashAttribute("reason", why);
            return back;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("force", force);
        body.put("reason", (why.isEmpty() ? "promoted" : why) + " (console: " + auth.getName() + ")");
        if (expectedProduction != null) {
            body.put("expectedProduction", expectedProduction);
        }
        ServiceClient.Result result = services.post("registry-service",
                "/v1/models/" + m + "/versions/" + version + "/promote", body);
        if (result.ok()) {
            redirect.addFlashAttribute("notice", "Version " + version + " of '" + name + "' is now in production"
                    + (force ? " (forced)" : "") + ".");
            return "redirect:/ui/models/" + m + "/versions/" + version;
        }
        redirect.addFlashAttribute("error", "Not promoted: " + result.error());
        List<JsonNode> failed = new ArrayList<>();
        result.body().path("failed").forEach(failed::add);
        redirect.addFlashAttribute("failed", failed);
        redirect.addFlashAttribute("reason", why);
        return back;
    }

    @GetMapping("/ui/models/{name}/rollback")
    public String confirmRollback(@PathVariable String name, Model model) {
        String m = seg(name);
        Map<String, Integer> aliasMap = new LinkedHashMap<>();
        ServiceClient.Result aliases = services.get("registry-service", "/v1/models/" + m + "/aliases");
        if (aliases.status() == 404) {
            return notFound(model, "No such model", "There is no model named '" + name + "'.");
        }
        aliases.items().forEach(a -> aliasMap.put(a.path("alias").asString(), a.path("version").asInt()));
        model.addAttribute("name", name);
        model.addAttribute("aliasMap", aliasMap);
        model.addAttribute("aliasesError", aliases.error());
        return "rollback";
    }

    @PostMapping("/ui/models/{name}/rollback")
    public String rollback(@PathVariable String name, @RequestParam(required = false) String reason,
            Authentication auth, RedirectAttributes redirect) {
        String m = seg(name);
        String why = reason == null ? "" : reason.trim();
        if (why.length() > MAX_REASON) {
            redirect.addFlashAttribute("error", "The reason is too long (" + why.length() + " characters, at most "
                    + MAX_REASON + ").");
            return "redirect:/ui/models/" + m + "/rollback";
        }
        ServiceClient.Result result = services.post("registry-service", "/v1/models/" + m + "/rollback",
                Map.of("reason", (why.isEmpty() ? "rolled back" : why) + " (console: " + auth.getName() + ")"));
        if (!result.ok()) {
            redirect.addFlashAttribute("error", "Not rolled back: " + result.error());
            return "redirect:/ui/models/" + m + "/rollback";
        }
        redirect.addFlashAttribute("notice", "Rolled back: version " + result.body().path("version").asInt()
                + " of '" + name + "' is in production again.");
        return "redirect:/ui/models/" + m;
    }

    static String heatmap(String name, JsonNode matrix, int current) {
        List<String> rows = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        List<List<Double>> values = new ArrayList<>();
        int highlight = -1;
        int i = 0;
        for (JsonNode v : matrix.path("versions")) {
            rows.add("v" + v.asInt());
            if (v.asInt() == current) {
                highlight = i;
            }
            i++;
        }
        matrix.path("segments").forEach(s -> columns.add(s.asString()));
        for (JsonNode row : matrix.path("accuracy")) {
            List<Double> r = new ArrayList<>();
            row.forEach(c -> r.add(c.isNumber() ? c.asDouble() : null));
            values.add(r);
        }
        // absent from registries before archiving existed: nothing archived
        List<List<Boolean>> archived = new ArrayList<>();
        for (JsonNode row : matrix.path("archived")) {
            List<Boolean> r = new ArrayList<>();
            row.forEach(c -> r.add(c.isBoolean() ? c.asBoolean() : null));
            archived.add(r);
        }
        if (rows.isEmpty()) {
            return null;
        }
        return Heatmap.render("Accuracy matrix of " + name + ": versions by segment", rows, columns, values, archived,
                highlight);
    }

    static String lineage(String name, JsonNode lineage, int current) {
        List<LineageGraph.Node> nodes = new ArrayList<>();
        lineage.path("nodes").forEach(n -> {
            List<String> aliases = new ArrayList<>();
            n.path("aliases").forEach(a -> aliases.add(a.asString()));
            nodes.add(new LineageGraph.Node(n.path("version").asInt(), n.path("kind").asString(""), aliases));
        });
        List<LineageGraph.Edge> edges = new ArrayList<>();
        lineage.path("edges").forEach(e -> edges.add(new LineageGraph.Edge(e.path("from").asInt(),
                e.path("to").asInt(), e.path("relation").asString(""),
                e.path("adapter").isString() ? e.path("adapter").asString() : null)));
        String base = "/ui/models/" + seg(name) + "/versions/";
        return LineageGraph.render("Lineage of version " + current + " of " + name, nodes, edges, current,
                v -> base + v);
    }

    private static String notFound(Model model, String title, String message) {
        model.addAttribute("title", title);
        model.addAttribute("message", message);
        return "not-found";
    }
}
