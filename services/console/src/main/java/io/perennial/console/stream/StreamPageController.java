package io.perennial.console.stream;

import static io.perennial.console.client.ServiceClient.seg;

import io.perennial.console.chart.LineChart;
import io.perennial.console.client.ServiceClient;
import java.time.Instant;
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

/**
 * A stream's page: ingest rate, drift timeline per detector, alarms and trainer's decisions on them (with a banner
 * when the stream's adaptation is STUCK), segments, predictions, policy.
 */
@Controller
public class StreamPageController {

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

        ServiceClient.Result decisions = services.get("trainer-service", "/v1/decisions?stream=" + s + "&limit=50");
        model.addAttribute("decisionsError", decisions.error());
        model.addAttribute("decisions", Decisions.rows(decisions.items()));
        model.addAttribute("stuck", stuck(services, s));

        ServiceClient.Result policy = services.get("trainer-service", "/v1/policies/" + s);
        model.addAttribute("policy", policy);
        model.addAttribute("mergeMethods", PolicyForm.MERGE_METHODS);
        model.addAttribute("decisionFields", PolicyForm.DECISION_FIELDS);
        ServiceClient.Result jobs = services.get("trainer-service", "/v1/jobs?stream=" + s + "&limit=10");
        model.addAttribute("jobs", jobs);
        ServiceClient.Result aliases = services.get("registry-service", "/v1/models/" + s + "/aliases");
        model.addAttribute("aliases", aliases);
        model.addAttribute("serving", aliases.items().stream()
                .filter(a -> a.path("alias").asString("").equals("production"))
                .map(a -> a.path("version").asInt()).findFirst().orElse(null));
        return "stream";
    }

    /**
     * The stream's STUCK alarms that still hold (none answered for good since), for the banner and the overview's
     * alerts; empty when trainer-service does not answer (the decisions panel says so).
     *
     * @param s the stream name, already encoded as a path segment
     */
    public static List<Decisions.Row> stuck(ServiceClient services, String s) {
        ServiceClient.Result stuck = services.get("trainer-service", "/v1/decisions/stuck?stream=" + s + "&limit=20");
        if (!stuck.ok() || stuck.items().isEmpty()) {
            return List.of();
        }
        ServiceClient.Result done = services.get("trainer-service",
                "/v1/decisions?stream=" + s + "&state=DONE&limit=1");
        if (!done.ok()) {
            return List.of();
        }
        return Decisions.stillStuck(Decisions.rows(stuck.items()),
                Decisions.rows(done.items()).stream().findFirst());
    }

    /**
     * Saves the adaptation policy through ingest-service (which announces stream.updated to the trainer). The
     * update replaces the stream's policy, so the fields this form does not edit are carried over from trainer's
     * current policy.
     */
    @PostMapping("/ui/streams/{stream}/policy")
    public String savePolicy(@PathVariable String stream, @RequestParam Map<String, String> form,
            Authentication auth, RedirectAttributes redirect) {
        PolicyForm checked = PolicyForm.parse(form);
        Map<String, String> errors = checked.errors();
        if (!checked.valid()) {
            redirect.addFlashAttribute("policyErrors", errors);
            redirect.addFlashAttribute("policyForm", form);
            redirect.addFlashAttribute("error", "The policy was not saved: fix the highlighted fields.");
            return "redirect:/ui/streams/" + seg(stream) + "#policy";
        }
        Map<String, Object> policy = new LinkedHashMap<>();
        ServiceClient.Result current = services.get("trainer-service", "/v1/policies/" + seg(stream));
        if (!current.ok()) {
            redirect.addFlashAttribute("error", "The policy was not saved: " + current.error());
            redirect.addFlashAttribute("policyForm", form);
            return "redirect:/ui/streams/" + seg(stream) + "#policy";
        }
        current.body().path("policy").properties().forEach(e -> {
            if (!PolicyForm.FIELDS.contains(e.getKey()) && e.getValue().isValueNode()) {
                policy.put(e.getKey(), e.getValue().isNumber() ? e.getValue().numberValue()
                        : e.getValue().isBoolean() ? e.getValue().asBoolean() : e.getValue().asString());
            }
        });
        policy.putAll(checked.policy());
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
