package io.perennial.trainer.adaptation;

import io.perennial.contracts.StreamName;
import io.perennial.support.web.ApiException;
import io.perennial.trainer.job.JobRepository;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.List;
import java.util.Set;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Drift alarms and their decisions: why each alarm got its answer, what was tried, which streams are stuck; and the
 * continuing regime's refinements, decided without an alarm.
 */
@RestController
@RequestMapping("/v1/decisions")
@Tag(name = "Decisions", description = "One decision per drift alarm, with its evidence, jobs and remedy attempts")
@Validated
public class DecisionController {

    private static final Set<String> STATES = Set.of("PENDING", "ASSESSING", "CONSOLIDATING", "ACTING", "DONE",
            "STUCK", "SUPERSEDED", "IGNORED", "SCHEDULED");

    private final DriftTriggerRepository alarms;
    private final JobRepository jobs;
    private final RefinementRepository refinements;

    public DecisionController(DriftTriggerRepository alarms, JobRepository jobs, RefinementRepository refinements) {
        this.alarms = alarms;
        this.jobs = jobs;
        this.refinements = refinements;
    }

    @GetMapping
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "List drift alarms and their decisions, newest first",
            description = "Each alarm: detector, detectedAt, state (PENDING, ASSESSING, CONSOLIDATING, ACTING, DONE, "
                    + "STUCK, SUPERSEDED, IGNORED), decision (RECURRING, RESTORE, PRIOR_SHIFT, NEW_REGIME), "
                    + "the reason, "
                    + "the evidence (the assessment and the thresholds), every job run for it, the refused attempts "
                    + "with the gate's verdicts and the merges or archives run to make room.")
    public List<Alarm> list(
            @Parameter(description = "only this stream") @RequestParam(required = false) String stream,
            @Parameter(description = "only alarms in this state") @RequestParam(required = false) String state,
            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit,
            @RequestParam(defaultValue = "0") @Min(0) int offset) {
        if (stream != null && !StreamName.isValid(stream)) {
            throw ApiException.badRequest("invalid stream name").with("field", "stream");
        }
        if (state != null && !STATES.contains(state)) {
            throw ApiException.badRequest("state must be one of " + STATES).with("field", "state");
        }
        return withJobs(alarms.list(stream, state, limit, offset));
    }

    @GetMapping("/stuck")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "Alarms whose every remedy was refused (the console's banner)",
            description = "The stream keeps serving its last good version; each alarm lists its attempts, remedies "
                    + "and the gate's verdicts. Newest first.")
    public List<Alarm> stuck(@RequestParam(required = false) String stream,
            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
        return list(stream, "STUCK", limit, 0);
    }

    @GetMapping("/refinements")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "The continuing regime's refinements, newest first",
            description = "Each: regime, the answered alarm whose window the regime's data grows in, the REFINE job "
                    + "and its segment and window, the samples (window, since the regime's window started, last "
                    + "trained on) and growth, the reason, state (RUNNING, SERVING, STOPPED), the version, its "
                    + "promotion, its gain (PFR - NFR on the refinement's window probe) and why refining stopped.")
    public List<Refinement> refinements(
            @Parameter(description = "only this stream") @RequestParam(required = false) String stream,
            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit,
            @RequestParam(defaultValue = "0") @Min(0) int offset) {
        if (stream != null && !StreamName.isValid(stream)) {
            throw ApiException.badRequest("invalid stream name").with("field", "stream");
        }
        return refinements.list(stream, limit, offset);
    }

    @GetMapping("/{id}")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "One drift alarm with its decision, evidence, jobs and attempts")
    public Alarm get(@PathVariable @Min(1) long id) {
        return alarms.find(id).map(a -> a.withJobIds(jobs.ofAlarm(a.id())))
                .orElseThrow(() -> ApiException.notFound("no drift alarm " + id));
    }

    private List<Alarm> withJobs(List<Alarm> list) {
        return list.stream().map(a -> a.withJobIds(jobs.ofAlarm(a.id()))).toList();
    }
}
