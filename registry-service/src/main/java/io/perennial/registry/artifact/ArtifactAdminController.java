package io.perennial.registry.artifact;

import io.perennial.support.web.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Maintenance of the artifact stores across models (admin). */
@RestController
@RequestMapping("/v1/artifacts")
@Tag(name = "Artifacts")
public class ArtifactAdminController {

    private final ArtifactCollector collector;
    private final ArtifactProperties properties;

    public ArtifactAdminController(ArtifactCollector collector, ArtifactProperties properties) {
        this.collector = collector;
        this.properties = properties;
    }

    @PostMapping("/gc")
    @PreAuthorize("hasRole('admin')")
    @Operation(summary = "Collect unreferenced artifacts now", description = "Deletes artifacts that no version names "
            + "and that have been unreferenced for longer than the grace period, with their bytes in every store, "
            + "then what failed uploads left in non-transactional stores. Safe against concurrent registrations.")
    public ArtifactCollector.Report collect(@Parameter(description = "grace period (e.g. PT10M or 10m); default "
            + "perennial.registry.artifacts.gc.grace") @RequestParam(required = false) String grace) {
        Duration g = properties.getGc().getGrace();
        if (grace != null) {
            try {
                g = DurationStyle.detectAndParse(grace);
            } catch (IllegalArgumentException ex) {
                throw ApiException.badRequest("grace must be a duration such as PT1H or 10m").with("field", "grace");
            }
            if (g.isNegative()) {
                throw ApiException.badRequest("grace must not be negative").with("field", "grace");
            }
        }
        return collector.collect(g);
    }
}
