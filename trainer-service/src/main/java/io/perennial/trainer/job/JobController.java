package io.perennial.trainer.job;

import io.perennial.contracts.events.JobEvents.JobKind;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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

/** Jobs API: list, detail with progress and loss history, manual jobs, cancel, retry. */
@RestController
@RequestMapping("/v1/jobs")
@Tag(name = "Jobs", description = "Training, merge and evaluation jobs")
@Validated
public class JobController {

    private final JobService jobs;

    public JobController(JobService jobs) {
        this.jobs = jobs;
    }

    /**
     * A manual job, e.g. "train an adapter on these offsets".
     *
     * @param fromOffsets per partition of the stream's samples topic, first offset (inclusive)
     * @param toOffsets per partition, end offset (exclusive)
     */
    public record JobRequest(@NotNull String stream, @NotNull JobKind kind, @NotNull Map<Integer, Long> fromOffsets,
            @NotNull Map<Integer, Long> toOffsets, Map<String, Object> parameters) {
    }

    @GetMapping
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "List jobs, newest first")
    public List<Job> list(@RequestParam(required = false) String stream,
            @RequestParam(required = false) JobState state,
            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit,
            @RequestParam(defaultValue = "0") @Min(0) int offset) {
        return jobs.list(stream, state, limit, offset);
    }

    @GetMapping("/{id}")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "A job with its progress and loss history")
    public Job get(@PathVariable UUID id) {
        return jobs.get(id);
    }

    @PostMapping
    @PreAuthorize("hasRole('operator')")
    @Operation(summary = "Submit a job by hand", description = "The worker reads exactly the given Kafka offsets.")
    public ResponseEntity<Job> submit(@Valid @RequestBody JobRequest request, Authentication auth) {
        Job job = jobs.submit(request.stream(), request.kind(), request.fromOffsets(), request.toOffsets(),
                request.parameters() == null ? Map.of() : request.parameters(), auth.getName());
        return ResponseEntity.created(URI.create("/v1/jobs/" + job.id())).body(job);
    }

    @PostMapping("/{id}/cancel")
    @PreAuthorize("hasRole('operator')")
    @Operation(summary = "Cancel a job that is not over")
    public Job cancel(@PathVariable UUID id, Authentication auth) {
        return jobs.cancel(id, auth.getName());
    }

    @PostMapping("/{id}/retry")
    @PreAuthorize("hasRole('operator')")
    @Operation(summary = "Run a failed or cancelled job again")
    public Job retry(@PathVariable UUID id, Authentication auth) {
        return jobs.retry(id, auth.getName());
    }
}
