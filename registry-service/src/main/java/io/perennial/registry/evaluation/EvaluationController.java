package io.perennial.registry.evaluation;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Evaluation reports API and metric series across versions. */
@RestController
@RequestMapping("/v1/models/{model}")
@Tag(name = "Evaluations", description = "Accuracy-matrix rows, forgetting and flip rates per version")
@Validated
public class EvaluationController {

    private final EvaluationService evaluations;

    public EvaluationController(EvaluationService evaluations) {
        this.evaluations = evaluations;
    }

    @PostMapping("/versions/{version}/evaluations")
    @PreAuthorize("hasRole('operator')")
    @Operation(summary = "Attach an evaluation report", description = "One accuracy per segment probe (oldest "
            + "first), flip rates against the serving version; the registry derives ACC, BWT and forgetting from "
            + "the ancestors' reports.")
    public ResponseEntity<Evaluation> record(@PathVariable String model, @PathVariable int version,
            @Valid @RequestBody EvaluationRequest request, Authentication auth) {
        Evaluation e = evaluations.record(model, version, request, auth.getName());
        return ResponseEntity.created(URI.create("/v1/models/" + model + "/versions/" + version + "/evaluations"))
                .body(e);
    }

    @GetMapping("/versions/{version}/evaluations")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "Evaluation reports of a version", description = "Newest first.")
    public List<Evaluation> list(@PathVariable String model, @PathVariable int version) {
        return evaluations.list(model, version);
    }

    @GetMapping("/metrics")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "Metric names of a model's evaluations")
    public List<String> metrics(@PathVariable String model) {
        return evaluations.metricNames(model);
    }

    @GetMapping("/metrics/{metric}")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "A metric across versions", description = "From each version's latest evaluation, oldest "
            + "version first; e.g. averageAccuracy, forgetting, negativeFlipRate, accuracy:<segment>.")
    public EvaluationService.Series series(@PathVariable String model, @PathVariable String metric,
            @RequestParam(defaultValue = "500") @Min(1) @Max(10000) int limit,
            @RequestParam(defaultValue = "0") @Min(0) int offset) {
        return evaluations.series(model, metric, limit, offset);
    }

    @GetMapping("/accuracy-matrix")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "Accuracy matrix", description = "Rows: the last N evaluated versions; columns: segments.")
    public EvaluationService.Matrix matrix(@PathVariable String model,
            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int versions) {
        return evaluations.matrix(model, versions);
    }
}
