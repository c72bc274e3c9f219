package io.perennial.drift.stream;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The streams drift-service monitors. */
@RestController
@Tag(name = "Drift monitoring")
public class MonitoredStreamController {

    private final MonitoredStreamRepository streams;

    public MonitoredStreamController(MonitoredStreamRepository streams) {
        this.streams = streams;
    }

    @GetMapping("/v1/drift/streams")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "List monitored streams")
    public List<MonitoredStream> list() {
        return streams.list();
    }
}
