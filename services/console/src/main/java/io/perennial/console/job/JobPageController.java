package io.perennial.console.job;

import static io.perennial.console.client.ServiceClient.seg;

import io.perennial.console.chart.LineChart;
import io.perennial.console.client.ServiceClient;
import io.perennial.console.web.Format;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.JsonNode;

/** Jobs list and detail, the small JSON endpoints their pages poll, and cancel/retry. */
@Controller
public class JobPageController {

    static final Set<String> STATES = Set.of("QUEUED", "RUNNING", "EVALUATING", "SUCCEEDED", "FAILED", "CANCELLED");

    private final ServiceClient services;
    private final Format fmt;

    public JobPageController(ServiceClient services, Format fmt) {
        this.services = services;
        this.fmt = fmt;
    }

    @GetMapping("/ui/jobs")
    public String jobs(@RequestParam(required = false) String stream, @RequestParam(required = false) String state,
            Model model) {
        ServiceClient.Result jobs = services.get("trainer-service", listPath(stream, state));
        model.addAttribute("jobs", jobs);
        model.addAttribute("stream", stream == null ? "" : stream);
        model.addAttribute("state", state == null ? "" : state);
        model.addAttribute("states", List.of("QUEUED", "RUNNING", "EVALUATING", "SUCCEEDED", "FAILED", "CANCELLED"));
        return "jobs";
    }

    @GetMapping("/ui/jobs/{id}")
    public String job(@PathVariable String id, Model model) {
        if (!isUuid(id)) {
            model.addAttribute("title", "No such job");
            model.addAttribute("message", "'" + id + "' is not a job id.");
            return "not-found";
        }
        ServiceClient.Result job = services.get("trainer-service", "/v1/jobs/" + id);
        if (job.status() == 404) {
            model.addAttribute("title", "No such job");
            model.addAttribute("message", "There is no job " + id + ".");
            return "not-found";
        }
        model.addAttribute("id", id);
        model.addAttribute("job", job);
        model.addAttribute("lossSvg", job.ok() ? lossChart(job.body()) : null);
        return "job";
    }

    /** States and progress of a page of jobs, polled by the jobs list. */
    @GetMapping("/ui/api/jobs")
    @ResponseBody
    public ResponseEntity<Map<String, Object>> jobsJson(@RequestParam(required = false) String stream,
            @RequestParam(required = false) String state) {
        ServiceClient.Result jobs = services.get("trainer-service", listPath(stream, state));
        if (!jobs.ok()) {
            return ResponseEntity.ok(Map.of("error", jobs.error()));
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode j : jobs.items()) {
            out.add(summary(j));
        }
        return ResponseEntity.ok(Map.of("items", out));
    }

    /** One job with its loss curve drawn, polled by the job page. */
    @GetMapping("/ui/api/jobs/{id}")
    @ResponseBody
    public ResponseEntity<Map<String, Object>> jobJson(@PathVariable String id) {
        if (!isUuid(id)) {
            return ResponseEntity.badRequest().body(Map.of("error", "not a job id"));
        }
        ServiceClient.Result job = services.get("trainer-service", "/v1/jobs/" + id);
        if (!job.ok()) {
            return ResponseEntity.ok(Map.of("error", job.error()));
        }
        Map<String, Object> out = summary(job.body());
        out.put("lossSvg", lossChart(job.body()));
        return ResponseEntity.ok(out);
    }

    @PostMapping("/ui/jobs/{id}/cancel")
    public String cancel(@PathVariable String id, RedirectAttributes redirect) {
        return act(id, "cancel", "Cancelled", redirect);
    }

    @PostMapping("/ui/jobs/{id}/retry")
    public String retry(@PathVariable String id, RedirectAttributes redirect) {
        return act(id, "retry", "Queued again", redirect);
    }

    private String act(String id, String action, String done, RedirectAttributes redirect) {
        if (!isUuid(id)) {
            redirect.addFlashAttribute("error", "'" + id + "' is not a job id.");
            return "redirect:/ui/jobs";
        }
        ServiceClient.Result result = services.post("trainer-service", "/v1/jobs/" + id + "/" + action, null);
        if (result.ok()) {
            redirect.addFlashAttribute("notice", done + ": job " + id + ".");
        } else {
            redirect.addFlashAttribute("error", "Could not " + action + " job " + id + ": " + result.error());
        }
        return "redirect:/ui/jobs/" + id;
    }

    private Map<String, Object> summary(JsonNode j) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", j.path("id").asString(""));
        m.put("state", j.path("state").asString(""));
        m.put("progress", fmt.progress(j));
        m.put("step", j.path("step").isNumber() ? j.path("step").asLong() : null);
        m.put("totalSteps", j.path("totalSteps").isNumber() ? j.path("totalSteps").asLong() : null);
        m.put("loss", fmt.num(j.path("loss")));
        m.put("attempt", j.path("attempt").asInt() + " of " + j.path("maxAttempts").asInt());
        m.put("message", j.path("message").asString(""));
        m.put("heartbeat", fmt.ago(j.path("lastHeartbeat")));
        m.put("terminal", Set.of("SUCCEEDED", "FAILED", "CANCELLED").contains(j.path("state").asString("")));
        return m;
    }

    static String lossChart(JsonNode job) {
        List<LineChart.Point> points = new ArrayList<>();
        job.path("lossHistory").forEach(p -> {
            if (p.size() >= 2) {
                points.add(new LineChart.Point(p.get(0).asDouble(), p.get(1).asDouble()));
            }
        });
        return new LineChart("Training loss by step", "step", false).series("loss", points, "s0", false)
                .render(760, 240);
    }

    private static String listPath(String stream, String state) {
        StringBuilder path = new StringBuilder("/v1/jobs?limit=100");
        if (stream != null && !stream.isBlank()) {
            path.append("&stream=").append(seg(stream.trim()));
        }
        if (state != null && STATES.contains(state)) {
            path.append("&state=").append(state);
        }
        return path.toString();
    }

    static boolean isUuid(String id) {
        try {
            UUID.fromString(id);
            return id.length() == 36;
        } catch (IllegalArgumentException ex) {
            return false;
        }
    }
}
