package io.perennial.worker.serving;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** What this worker pool serves. */
@RestController
@Tag(name = "Serving")
public class ServingController {

    private final ServedModelRepository served;

    public ServingController(ServedModelRepository served) {
        this.served = served;
    }

    @GetMapping("/v1/serving/models")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "Models served by this worker pool and their production versions")
    public List<ServedModel> list() {
        return served.list();
    }
}
