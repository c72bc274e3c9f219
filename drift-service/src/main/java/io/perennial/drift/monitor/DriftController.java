package io.perennial.drift.monitor;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.security.Principal;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Per-stream detector configuration, status, drift history and reference reset. */
@RestController
@RequestMapping("/v1/drift/streams/{stream}")
@Tag(name = "Drift monitoring")
@Validated
public class DriftController {

    private final DriftService drift;

    public DriftController(DriftService drift) {
        this.drift = drift;
    }

    /** A page of alarms, newest first. */
    public record AlarmPage(List<DriftRepository.Alarm> items, long total, int limit, int offset) {
    }

    /** A page of evaluations, newest first. */
    public record EvaluationPage(List<DriftRepository.Evaluation> items, long total, int limit, int offset) {
    }

    @GetMapping("/config")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "Get a stream's detector configuration", description = "The defaults when none was set.")
    public DetectorConfig config(@PathVariable String stream) {
        return drift.config(stream);
    }

    @PutMapping("/config")
    @PreAuthorize("hasRole('operator')")
    @Operation(summary = "Set a stream's detector configuration",
            description = "Validated (window sizes at least 1, alpha in (0,1)); the monitors restart with a new "
                    + "reference window.")
    public DetectorConfig configure(@PathVariable String stream, @Valid @RequestBody DetectorConfig config,
            Principal principal) {
        return drift.configure(stream, config, principal == null ? null : principal.getName());
    }

    @GetMapping("/status")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "Current status", description = "Phase, window sizes, and the latest statistic of every "
            + "detector.")
    public DriftService.StreamStatus status(@PathVariable String stream) {
        return drift.status(stream);
    }

    @GetMapping("/alarms")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "Drift history", description = "Alarms raised on the stream, newest first.")
    public AlarmPage alarms(@PathVariable String stream,
            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit,
            @RequestParam(defaultValue = "0") @Min(0) int offset) {
        drift.requireKnown(stream);
        return new AlarmPage(drift.alarms(stream, limit, offset), drift.countAlarms(stream), limit, offset);
    }

    @GetMapping("/evaluations")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "Statistic over time", description = "Every stored evaluation, newest first, optionally "
            + "of one detector.")
    public EvaluationPage evaluations(@PathVariable String stream,
            @RequestParam(required = false) String detector,
            @RequestParam(defaultValue = "100") @Min(1) @Max(5000) int limit,
            @RequestParam(defaultValue = "0") @Min(0) int offset) {
        drift.requireKnown(stream);
        return new EvaluationPage(drift.evaluations(stream, detector, limit, offset),
                drift.countEvaluations(stream, detector), limit, offset);
    }

    @PostMapping("/reset-reference")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @PreAuthorize("hasRole('operator')")
    @Operation(summary = "Reset the reference window", description = "The next referenceSize samples become the "
            + "new reference.")
    public void resetReference(@PathVariable String stream) {
        drift.resetReference(stream);
    }
}
