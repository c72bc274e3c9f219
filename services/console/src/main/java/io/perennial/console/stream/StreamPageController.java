package io.perennial.console.stream;

import static io.perennial.console.client.ServiceClient.seg;

import io.perennial.console.chart.LineChart;
import io.perennial.console.client.ServiceClient;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.JsonNode;

/** A stream's page: ingest rate, drift timeline per detector, alarms, segments, predictions, policy. */
@Controller
public class StreamPageController {

    /** Merge methods the ML core knows (policy form choices). */
    public static final List<String> MERGE_METHODS = List.of("ties", "task-arithmetic", "dare", "breadcrumbs",
            "magmax", "orthogonal-projection");

    private final ServiceClient services;

    public StreamPageController(ServiceClient services) {
        this.services = services;
    }

    @GetMapping("/ui/streams/{stream}")
    public String stream(@PathVariable String stream, Model model) {
        String s = seg(stream);
        ServiceClient.Result info = services.get("ingest-service", "/v1/streams/" + s);
        if (info.status() == 404) {
            model.addAttribute("title", "No such stream");
            model.addAttribute("message", "There is no stream named '" + stream + "'.");
            return "not-found";
        }
        model.addAttribute("name", stream);
        model.addAttribute("stream", info);
        ServiceClient.Result status = services.get("drift-service", "/v1/drift/streams/" + s + "/status");
        ServiceClient.Result evaluations = services.get("drift-service",
                "/v1/drift/streams/" + s + "/evaluations?limit=2000");
        ServiceClient.Result alarms = services.get("drift-service", "/v1/drift/streams/" + s + "/alarms?limit=100");
        ServiceClient.Result config = services.get("drift-service", "/v1/drift/streams/" + s + "/config");
        model.addAttribute("status", status);
        model.addAttribute("alarms", alarms);
        model.addAttribute("driftConfig", config);
        model.addAttribute("driftError", firstError(status, evaluations, alarms));

        List<JsonNode> evals = evaluations.items();
        LineChart rate = new LineChart("Ingest rate of " + stream + " (samples per second)", "time (UTC)", true)
                .series("samples/s", DriftHistory.ingestRate(evals), "s1", true);
        model.addAttribute("rateSvg", rate.render(760, 200));
        model.addAttribute("recentRate", DriftHistory.recentRate(evals, Instant.now(), 60));
        List<JsonNode> featureAndError = evals.stream().filter(e -> !e.path("kind").asString("").equals("prediction"))
                .toList();
        model.addAttribute("detectorCharts", DriftHistory.detectorCharts(featureAndError, alarms.items()));
        List<JsonNode> predictions = evals.stream().filter(e -> e.path("kind").asString("").equals("prediction"))
                .toList();
        model.addAttribute("predictionCharts", DriftHistory.detectorCharts(predictions, List.of()));
        Instant created = info.ok() ? parse(info.body().path("createdAt").asString(null)) : null;
        model.addAttribute("segments", DriftHistory.segments(alarms.items(), created));

        ServiceClient.Result policy = services.get("trainer-service", "/v1/policies/" + s);
        model.addAttribute("policy", policy);
        model.addAttribute("mergeMethods", MERGE_METHODS);
        ServiceClient.Result jobs = services.get("trainer-service", "/v1/jobs?stream=" + s + "&limit=10");
        model.addAttribute("jobs", jobs);
        ServiceClient.Result aliases = services.get("registry-service", "/v1/models/" + s + "/aliases");
        model.addAttribute("aliases", aliases);
        return "stream";
    }

    /** Saves the adaptation policy through ingest-service (which announces stream.updated to the trainer). */
    @PostMapping("/ui/streams/{stream}/policy")
    public String savePolicy(@PathVariable String stream, @RequestParam Map<String, String> form,
            Authentication auth, RedirectAttributes redirect) {
        Map<String, String> errors = new LinkedHashMap<>();
        Map<String, Object> policy = new LinkedHashMap<>();
        integer(form, "baseWindow", 1, 10_000_000, policy, errors);
        integer(form, "minSamplesAfterDrift", 1, 10_000_000, policy, errors);
        integer(form, "adapterRank", 1, 512, policy, errors);
        integer(form, "maxAdapters", 1, 1000, policy, errors);
        String method = form.getOrDefault("mergeMethod", "");
        if (!MERGE_METHODS.contains(method)) {
            errors.put("mergeMethod", "choose one of " + String.join(", ", MERGE_METHODS));
        } else {
            policy.put("mergeMethod", method);
        }
        policy.put("autoPromote", Set.of("on", "true").contains(form.getOrDefault("autoPromote", "")));
        if (!errors.isEmpty()) {
            redirect.addFlashAttribute("policyErrors", errors);
            redirect.addFlashAttribute("policyForm", form);
            redirect.addFlashAttribute("error", "The policy was not saved: fix the highlighted fields.");
            return "redirect:/ui/streams/" + seg(stream) + "#policy";
        }
        ServiceClient.Result saved = services.send("ingest-service", "PATCH", "/v1/streams/" + seg(stream),
                Map.of("policy", policy));
        if (saved.ok()) {
            redirect.addFlashAttribute("notice", "Policy of '" + stream + "' saved by " + auth.getName()
                    + "; trainer-service applies it as soon as it receives the stream update.");
        } else {
            redirect.addFlashAttribute("error", "The policy was not saved: " + saved.error());
            redirect.addFlashAttribute("policyForm", form);
        }
        return "redirect:/ui/streams/" + seg(stream) + "#policy";
    }

    private static void integer(Map<String, String> form, String field, int min, int max, Map<String, Object> out,
            Map<String, String> errors) {
        String raw = form.getOrDefault(field, "").trim();
        try {
            int v = Integer.parseInt(raw);
            if (v < min || v > max) {
                errors.put(field, "must be between " + min + " and " + max);
            } else {
                out.put(field, v);
            }
        } catch (NumberFormatException ex) {
            errors.put(field, raw.isEmpty() ? "is required" : "must be a whole number");
        }
    }

    private static String firstError(ServiceClient.Result... results) {
        for (ServiceClient.Result r : results) {
            if (!r.ok()) {
                return r.error();
            }
        }
        return null;
    }

    private static Instant parse(String iso) {
        try {
            return iso == null ? null : Instant.parse(iso);
        } catch (RuntimeException ex) {
            return null;
        }
    }
}
