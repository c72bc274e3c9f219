package io.perennial.trainer.job;

import io.perennial.contracts.StreamName;
import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.JobEvents.JobKind;
import io.perennial.contracts.events.JobEvents.JobRequested;
import io.perennial.contracts.events.JobEvents.JobStatus;
import io.perennial.contracts.events.StreamSpec;
import io.perennial.trainer.policy.PolicyRepository;
import io.perennial.support.outbox.Outbox;
import io.perennial.support.web.ApiException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Drives the job state machine. Every change locks the job row, checks the transition, updates it and, when a worker
 * must act, appends {@code job.requested} to the outbox in the same transaction. Reports for another attempt than the
 * current one are ignored, so a worker that was presumed dead cannot overwrite its successor.
 */
@Service
public class JobService {

    private static final Logger log = LoggerFactory.getLogger(JobService.class);

    private final JobRepository jobs;
    private final UploadedBaseRepository uploadedBases;
    private final PolicyRepository policies;
    private final Outbox outbox;
    private final TrainerProperties properties;
    private final Clock clock;

    public JobService(JobRepository jobs, UploadedBaseRepository uploadedBases, PolicyRepository policies,
            Outbox outbox, TrainerProperties properties, Clock clock) {
        this.jobs = jobs;
        this.uploadedBases = uploadedBases;
        this.policies = policies;
        this.outbox = outbox;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Queues a training job on a window of the stream's samples topic and requests it from the worker pool. The
     * job names its segment and carries the stream's definition, the earlier segments' probes and the policy's
     * hyperparameters ({@code overrides} may change the hyperparameters).
     */
    @Transactional
    public Job submit(String stream, JobKind kind, Map<Integer, Long> from, Map<Integer, Long> to,
            Map<String, Object> overrides, String actor) {
        return submit(stream, kind, from, to, overrides, actor, null, null);
    }

    /**
     * As {@link #submit(String, JobKind, Map, Map, Map, String)}, for the planner: the job answers drift alarm
     * {@code alarmId} (null: none) and learns {@code segment} (null: a new name), so every job on one alarm's
     * window (assessment, answer, remedies) names the same segment.
     */
    @Transactional
    public Job submit(String stream, JobKind kind, Map<Integer, Long> from, Map<Integer, Long> to,
            Map<String, Object> overrides, String actor, Long alarmId, String segment) {
        if (!StreamName.isValid(stream)) {
            throw ApiException.badRequest("invalid stream name").with("field", "stream");
        }
        if (kind == JobKind.EVALUATE) {
            throw ApiException.badRequest("EVALUATE jobs are not run by gpu-worker").with("field", "kind");
        }
        boolean readsNoWindow = kind == JobKind.MERGE || kind == JobKind.ARCHIVE;
        if (readsNoWindow) {
            from = from == null ? Map.of() : from;
            to = to == null ? Map.of() : to;
            if (!from.isEmpty() || !to.isEmpty()) {
                throw ApiException.badRequest("a " + kind.name().toLowerCase() + " reads no samples: leave "
                        + "fromOffsets and toOffsets empty").with("field", "fromOffsets");
            }
        } else {
            validateWindow(from, to);
        }
        PolicyRepository.StreamPolicy policy = policies.lock(stream)
                .orElseThrow(() -> ApiException.notFound("no stream '" + stream + "' known to trainer-service"));
        StreamSpec spec = policies.spec(stream)
                .orElseThrow(() -> ApiException.conflict("the definition of stream '" + stream + "' has not arrived"));
        List<Job> learned = jobs.learnedSegments(stream);
        boolean trainedBase = learned.stream().anyMatch(j -> j.kind() == JobKind.TRAIN_BASE);
        Optional<UploadedBase> uploaded = trainedBase ? Optional.empty() : uploadedBases.find(stream);
        switch (kind) {
            case MERGE -> requireAdapterRegimes(stream, learned, overrides, "sources");
            case ARCHIVE -> requireAdapterRegimes(stream, learned, overrides, "regimes");
            case PRIOR_CORRECT, RESTORE, REFINE -> requireRegime(overrides);
            default -> { }
        }
        if (kind != JobKind.TRAIN_BASE && !trainedBase && uploaded.isEmpty()) {
            throw ApiException.conflict("stream '" + stream + "' has no trained base model yet and no uploaded base "
                    + "was noticed; " + kind + " needs one");
        }
        if (segment == null) {
            segment = TrainingParameters.segmentName(kind, kind == JobKind.TRAIN_BASE ? 0
                    : jobs.countSegments(stream, TrainingParameters.segmentKinds(kind)));
        }
        Map<String, Object> parameters;
        try {
            parameters = TrainingParameters.of(kind, segment, spec, policy.policy(),
                    probeWindows(learned, uploaded, segment), overrides);
        } catch (IllegalArgumentException ex) {
            throw ApiException.badRequest(ex.getMessage()).with("field", "parameters");
        }
        UUID id = UUID.randomUUID();
        jobs.insert(id, stream, kind, properties.getMaxAttempts(), from, to, parameters, actor, segment, alarmId);
        Job job = jobs.find(id).orElseThrow();
        request(job, 1);
        log.info("Job {} queued: {} of stream {} as segment {} on offsets {}..{} by {}", id, kind, stream, segment,
                from, to, actor);
        return job;
    }

    /**
     * The windows later jobs evaluate on: every learned segment, and for a stream bootstrapped from an uploaded base
     * the samples that base served before the first adapter (it learned no offsets of this stream, so this is the
     * only measure of what an adapter costs the old regime).
     */
    private static List<TrainingParameters.ProbeWindow> probeWindows(List<Job> learned,
            Optional<UploadedBase> uploaded, String segment) {
        List<TrainingParameters.ProbeWindow> windows = new java.util.ArrayList<>();
        uploaded.filter(UploadedBase::hasProbe).ifPresent(u -> windows.add(new TrainingParameters.ProbeWindow(
                "base", u.probeFrom(), u.probeTo())));
        // Remedies learn one segment several times: each earlier segment is probed once, the job's own never.
        java.util.Set<String> seen = new java.util.HashSet<>(java.util.Set.of(segment));
        learned.stream().filter(j -> seen.add(j.segment()))
                .forEach(j -> windows.add(TrainingParameters.ProbeWindow.of(j)));
        return windows;
    }

    /** A merge's {@code sources} or an archive's {@code regimes}: adapter segments the stream has. */
    private static void requireAdapterRegimes(String stream, List<Job> learned, Map<String, Object> overrides,
            String key) {
        if (!(overrides.get(key) instanceof List<?> regimes) || regimes.isEmpty()) {
            throw ApiException.badRequest("a " + (key.equals("sources") ? "merge" : "archive") + " names the regimes "
                    + "whose adapters it " + (key.equals("sources") ? "merges" : "archives") + " in parameters."
                    + key).with("field", "parameters." + key);
        }
        List<String> adapters = learned.stream().filter(j -> j.kind() == JobKind.TRAIN_ADAPTER)
                .map(Job::segment).distinct().toList();
        for (Object regime : regimes) {
            if (!adapters.contains(String.valueOf(regime))) {
                throw ApiException.badRequest("'" + regime + "' is not an adapter segment of stream '" + stream
                        + "' (known: " + adapters + ")").with("field", "parameters." + key);
            }
        }
    }

    /** A prior correction or a restore names the regime it serves in {@code parameters.regime}. */
    private static void requireRegime(Map<String, Object> overrides) {
        if (!(overrides.get("regime") instanceof String regime) || regime.isBlank()) {
            throw ApiException.badRequest("this job names the regime it serves in parameters.regime")
                    .with("field", "parameters.regime");
        }
    }

    /** Cancels a job that is not over yet. */
    @Transactional
    public Job cancel(UUID id, String actor) {
        Job job = locked(id);
        requireTransition(job, JobState.CANCELLED);
        jobs.finish(id, JobState.CANCELLED, null, "cancelled by " + actor);
        return jobs.find(id).orElseThrow();
    }

    /** Runs a failed or cancelled job again as a new attempt. */
    @Transactional
    public Job retry(UUID id, String actor) {
        Job job = locked(id);
        if (job.state() != JobState.FAILED && job.state() != JobState.CANCELLED) {
            throw ApiException.conflict("only a failed or cancelled job can be retried; this one is " + job.state());
        }
        int attempt = job.attempt() + 1;
        jobs.requeue(id, attempt, "retried by " + actor);
        request(jobs.find(id).orElseThrow(), attempt);
        return jobs.find(id).orElseThrow();
    }

    public Job get(UUID id) {
        return jobs.find(id).orElseThrow(() -> ApiException.notFound("no job " + id));
    }

    public List<Job> list(String stream, JobState state, int limit, int offset) {
        return jobs.list(stream, state, limit, offset);
    }

    /** Applies a worker's report. Call inside the consuming transaction. */
    public void onStatus(JobStatus status) {
        UUID id;
        try {
            id = UUID.fromString(status.jobId());
        } catch (IllegalArgumentException ex) {
            log.warn("Ignoring a report for job id '{}': not a job of this service", status.jobId());
            return;
        }
        Job job = jobs.lock(id).orElse(null);
        if (job == null || job.attempt() != status.attempt() || job.state().terminal()) {
            log.debug("Ignoring {} for job {} attempt {}: stale", status.phase(), status.jobId(), status.attempt());
            return;
        }
        switch (status.phase()) {
            case STARTED -> {
                if (job.state() == JobState.QUEUED) {
                    jobs.start(id, status.worker());
                }
            }
            case HEARTBEAT -> jobs.heartbeat(id);
            case PROGRESS -> {
                JobState next = "evaluating".equalsIgnoreCase(status.message()) ? JobState.EVALUATING
                        : (job.state() == JobState.QUEUED ? JobState.RUNNING : job.state());
                if (job.state() == JobState.QUEUED) {
                    jobs.start(id, status.worker());
                }
                jobs.progress(id, next, status.step(), status.totalSteps(), status.loss(), status.samplesPerSecond());
            }
            case SUCCEEDED -> jobs.finish(id, JobState.SUCCEEDED, status.version(), status.message(), status.result());
            case FAILED -> {
                if (status.mayRetry()) {
                    failOrRequeue(job, "worker reported: " + status.message());
                } else {
                    jobs.finish(id, JobState.FAILED, null, status.message());
                    log.warn("Job {} failed and cannot be retried: {}", id, status.message());
                }
            }
        }
    }

    /**
     * Re-queues running jobs whose worker went silent for longer than the heartbeat timeout, or fails them after
     * their last attempt.
     *
     * @return the jobs handled
     */
    @Transactional
    public int sweepSilentJobs() {
        Instant before = clock.instant().minus(properties.getHeartbeatTimeout());
        List<Job> silent = jobs.lockSilent(before, 100);
        for (Job job : silent) {
            failOrRequeue(job, "no heartbeat from " + job.worker() + " for "
                    + properties.getHeartbeatTimeout().toSeconds() + " s");
        }
        return silent.size();
    }

    private void failOrRequeue(Job job, String reason) {
        if (job.attempt() < job.maxAttempts()) {
            int attempt = job.attempt() + 1;
            jobs.requeue(job.id(), attempt, reason + "; attempt " + attempt + " of " + job.maxAttempts());
            request(jobs.find(job.id()).orElseThrow(), attempt);
            log.info("Job {} re-queued as attempt {}: {}", job.id(), attempt, reason);
        } else {
            jobs.finish(job.id(), JobState.FAILED, null, reason + "; no attempts left");
            log.warn("Job {} failed after {} attempts: {}", job.id(), job.attempt(), reason);
        }
    }

    private void request(Job job, int attempt) {
        outbox.append(EventTypes.JOB_REQUESTED, job.id().toString(), new JobRequested(job.id().toString(),
                job.kind(), job.stream(), attempt, job.fromOffsets(), job.toOffsets(), job.parameters(),
                clock.instant()));
    }

    private Job locked(UUID id) {
        return jobs.lock(id).orElseThrow(() -> ApiException.notFound("no job " + id));
    }

    private static void requireTransition(Job job, JobState next) {
        if (!job.state().canMoveTo(next)) {
            throw ApiException.conflict("job " + job.id() + " is " + job.state() + " and cannot become " + next);
        }
    }

    private static void validateWindow(Map<Integer, Long> from, Map<Integer, Long> to) {
        if (from == null || to == null || from.isEmpty() || !from.keySet().equals(to.keySet())) {
            throw ApiException.badRequest("fromOffsets and toOffsets must name the same partitions")
                    .with("field", "fromOffsets");
        }
        for (Map.Entry<Integer, Long> e : from.entrySet()) {
            Long end = to.get(e.getKey());
            if (e.getKey() < 0 || e.getValue() == null || e.getValue() < 0 || end == null || end < e.getValue()) {
                throw ApiException.badRequest("partition " + e.getKey() + ": need 0 <= from <= to")
                        .with("field", "toOffsets");
            }
        }
    }
}
