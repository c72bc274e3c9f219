package io.perennial.console.overview;

import static io.perennial.console.client.ServiceClient.seg;

import io.perennial.console.client.ServiceClient;
import io.perennial.console.stream.Decisions;
import io.perennial.console.stream.DriftHistory;
import io.perennial.console.stream.StreamPageController;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import tools.jackson.databind.JsonNode;

/** The overview: every stream at a glance, running jobs, alerts, and the services' health; and the login page. */
@Controller
public class OverviewController {

    private final ServiceClient services;

    public OverviewController(ServiceClient services) {
        this.services = services;
    }

    /** Health of one service as shown on the page. */
    public record ServiceHealth(String name, String status, String detail) {
    }

    /**
     * One stream's row.
     *
     * @param driftPhase the monitor's phase, {@code null} when drift-service did not answer
     * @param lastAlarm the newest alarm, or a missing node
     * @param serving the production version, {@code null} when none (or registry unknown)
     * @param newestAccuracy the serving version's accuracy on the newest probe
     */
    public record StreamRow(String name, JsonNode spec, Double ingestRate, long samplesSeen, String driftPhase,
            long alarms, JsonNode lastAlarm, Integer serving, Double newestAccuracy, int runningJobs) {
    }

    /** Something an operator should look at. */
    public record Alert(String severity, String title, String detail, String link) {
    }

    @GetMapping("/")
    public String overview(Model model) {
        List<ServiceHealth> health = new ArrayList<>();
        services.services().keySet().forEach(name -> {
            ServiceClient.Result result = services.get(name, "/actuator/health");
            health.add(result.ok() ? new ServiceHealth(name, result.body().path("status").asString("UNKNOWN"), "")
                    : new ServiceHealth(name, result.reachable() ? "DOWN" : "UNREACHABLE", result.error()));
        });
        model.addAttribute("services", health);
        Set<String> unavailable = new LinkedHashSet<>();

        ServiceClient.Result streams = services.get("ingest-service", "/v1/streams?limit=100");
        model.addAttribute("streamsError", streams.error());
        ServiceClient.Result running = services.get("trainer-service", "/v1/jobs?state=RUNNING&limit=100");
        ServiceClient.Result failed = services.get("trainer-service", "/v1/jobs?state=FAILED&limit=10");
        if (!running.ok()) {
            unavailable.add("trainer-service: " + running.error());
        }
        List<JsonNode> runningJobs = running.items();
        List<Alert> alerts = new ArrayList<>();
        for (JsonNode job : failed.items()) {
            alerts.add(new Alert("bad", "Job failed: " + job.path("kind").asString("") + " on "
                    + job.path("stream").asString(""), job.path("message").asString("no message"),
                    "/ui/jobs/" + job.path("id").asString()));
        }
        List<StreamRow> rows = new ArrayList<>();
        Instant now = Instant.now();
        for (JsonNode stream : streams.items()) {
            String name = stream.path("spec").path("name").asString();
            String s = seg(name);
            ServiceClient.Result status = services.get("drift-service", "/v1/drift/streams/" + s + "/status");
            ServiceClient.Result evals = services.get("drift-service",
                    "/v1/drift/streams/" + s + "/evaluations?limit=300");
            ServiceClient.Result alarms = services.get("drift-service", "/v1/drift/streams/" + s + "/alarms?limit=1");
            if (!status.reachable()) {
                unavailable.add("drift-service: " + status.error());
            }
            ServiceClient.Result aliases = services.get("registry-service", "/v1/models/" + s + "/aliases");
            if (!aliases.reachable()) {
                unavailable.add("registry-service: " + aliases.error());
            }
            Integer serving = null;
            Integer candidate = null;
            for (JsonNode alias : aliases.items()) {
                if (alias.path("alias").asString("").equals("production")) {
                    serving = alias.path("version").asInt();
                } else if (alias.path("alias").asString("").equals("candidate")) {
                    candidate = alias.path("version").asInt();
                }
            }
            Double accuracy = null;
            if (serving != null) {
                List<JsonNode> reports = services.get("registry-service", "/v1/models/" + s + "/versions/" + serving
                        + "/evaluations").items();
                if (!reports.isEmpty() && reports.get(0).path("summary").path("newestAccuracy").isNumber()) {
                    accuracy = reports.get(0).path("summary").path("newestAccuracy").asDouble();
                }
            }
            if (candidate != null && !candidate.equals(serving)) {
                ServiceClient.Result gate = services.get("registry-service", "/v1/models/" + s + "/versions/"
                        + candidate + "/gate");
                if (gate.ok() && !gate.body().path("passed").asBoolean(true)) {
                    List<String> failedNames = new ArrayList<>();
                    gate.body().path("conditions").forEach(c -> {
                        if (!c.path("passed").asBoolean()) {
                            failedNames.add(c.path("detail").asString(c.path("name").asString("")));
                        }
                    });
                    alerts.add(new Alert("warn", "Gate blocks candidate v" + candidate + " of " + name,
                            String.join("; ", failedNames), "/ui/models/" + s + "/versions/" + candidate));
                }
            }
            for (JsonNode entry : services.get("registry-service", "/v1/models/" + s + "/audit?limit=20").items()) {
                Instant at = parse(entry.path("at").asString(null));
                if (entry.path("action").asString("").equals("promotion.refused") && at != null
                        && Duration.between(at, now).toHours() < 24) {
                    alerts.add(new Alert("warn", "Promotion of v" + entry.path("version").asInt() + " of " + name
                            + " refused by the gate", entry.path("actor").asString("") + ", "
                            + at, "/ui/models/" + s + "/versions/" + entry.path("version").asInt()));
                    break;
                }
            }
            for (Decisions.Row r : StreamPageController.stuck(services, s)) {
                alerts.add(new Alert("bad", "Adaptation of " + name + " is stuck",
                        "alarm #" + r.id() + " (" + r.detector() + "): tried " + Decisions.tried(r)
                                + ", each refused; " + (serving == null ? "nothing serves yet"
                                        : "v" + serving + " keeps serving"),
                        "/ui/streams/" + s + "#decisions"));
            }
            int jobsHere = (int) runningJobs.stream().filter(j -> j.path("stream").asString("").equals(name)).count();
            rows.add(new StreamRow(name, stream.path("spec"),
                    evals.ok() ? DriftHistory.recentRate(evals.items(), now, 60) : null,
                    status.ok() ? status.body().path("live").path("samplesSeen").asLong(0) : 0,
                    status.ok() ? status.body().path("live").path("phase").asString("waiting for data") : null,
                    status.ok() ? status.body().path("alarms").asLong(0) : 0,
                    alarms.items().isEmpty() ? null : alarms.items().get(0), serving, accuracy, jobsHere));
        }
        model.addAttribute("streams", rows);
        model.addAttribute("runningJobs", runningJobs);
        model.addAttribute("alerts", alerts);
        model.addAttribute("unavailable", unavailable);
        return "overview";
    }

    @GetMapping("/login")
    public String login() {
        return "login";
    }

    private static Instant parse(String iso) {
        try {
            return iso == null ? null : Instant.parse(iso);
        } catch (RuntimeException ex) {
            return null;
        }
    }
}
