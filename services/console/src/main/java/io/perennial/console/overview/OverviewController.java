package io.perennial.console.overview;

import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import tools.jackson.databind.JsonNode;

/** Overview and login pages. */
@Controller
public class OverviewController {

    private final ServiceClient services;

    public OverviewController(ServiceClient services) {
        this.services = services;
    }

    /** Health of one service as shown on the page. */
    public record ServiceHealth(String name, String status, String detail) {
    }

    @GetMapping("/")
    public String overview(Model model) {
        List<ServiceHealth> health = new ArrayList<>();
        services.services().keySet().forEach(name -> {
            ServiceClient.Result result = services.get(name, "/actuator/health");
            health.add(result.ok() ? new ServiceHealth(name, result.body().path("status").asString("UNKNOWN"), "")
                    : new ServiceHealth(name, "DOWN", result.error()));
        });
        model.addAttribute("services", health);
        ServiceClient.Result streams = services.get("ingest-service", "/v1/streams?limit=100");
        model.addAttribute("streamsError", streams.error());
        List<JsonNode> items = new ArrayList<>();
        if (streams.ok()) {
            streams.body().path("items").forEach(items::add);
        }
        model.addAttribute("streams", items);
        return "overview";
    }

    @GetMapping("/login")
    public String login() {
        return "login";
    }
}
