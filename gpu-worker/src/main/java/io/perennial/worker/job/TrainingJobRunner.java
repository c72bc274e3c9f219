package io.perennial.worker.job;

import io.perennial.contracts.events.JobEvents.JobKind;
import io.perennial.contracts.events.JobEvents.JobRequested;
import io.perennial.worker.WorkerProperties;
import io.perennial.worker.registry.RegistryGateway;
import io.perennial.worker.registry.VersionCache;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Runs one job from its message to its outcome, handing it to the {@link JobHandler} of its kind.
 *
 * <ol>
 *   <li>If the registry already holds a version made by this job (a redelivered message), that version is the
 *   result: a job never registers two versions.</li>
 *   <li>The handler reads exactly the job's offset window from the samples topic (nothing else: replay-free by
 *   construction), holding out every {@code probeEvery}-th sample as the segment's probe; earlier segments' probes
 *   are read the same way from their windows (evaluation only, never trained on).</li>
 *   <li>It trains, merges or re-routes, then (for kinds that make a version) evaluates on every probe against the
 *   serving version's predictions (flip rates), uploads every file, registers the version and attaches the report
 *   ({@link VersionRegistration}). Registry calls are retried while it is unavailable.</li>
 * </ol>
 */
@Component
public class TrainingJobRunner {

    private static final Logger log = LoggerFactory.getLogger(TrainingJobRunner.class);

    private final TrainingWindowReader windows;
    private final RegistryGateway registry;
    private final VersionCache versions;
    private final JobReporter reporter;
    private final WorkerProperties properties;
    private final Map<JobKind, JobHandler> handlers = new EnumMap<>(JobKind.class);

    TrainingJobRunner(TrainingWindowReader windows, RegistryGateway registry, VersionCache versions,
            JobReporter reporter, WorkerProperties properties, List<JobHandler> handlers) {
        this.windows = windows;
        this.registry = registry;
        this.versions = versions;
        this.reporter = reporter;
        this.properties = properties;
        for (JobHandler handler : handlers) {
            if (this.handlers.put(handler.kind(), handler) != null) {
                throw new IllegalStateException("two handlers for " + handler.kind() + " jobs");
            }
        }
    }

    /**
     * Runs the job.
     *
     * @param cancelled polled during the run; true abandons it with {@link JobCancelledException}
     * @return the registered version, or what a job without a version found
     * @throws JobFailedException when it cannot succeed
     */
    public JobOutcome run(JobRequested job, BooleanSupplier cancelled) {
        JobParameters params;
        try {
            params = JobParameters.of(job);
        } catch (RuntimeException ex) {
            throw JobFailedException.permanent("malformed job: " + ex.getMessage(), ex);
        }
        JobHandler handler = handlers.get(job.kind());
        if (handler == null) {
            throw JobFailedException.permanent(job.kind() + " jobs are not supported by this worker");
        }
        RegistryRetry retry = new RegistryRetry(properties.getRegistryRetryTimeout(), cancelled);
        if (handler.registersVersion()) {
            String model = job.stream();
            Optional<JsonNode> done = retry.call("look up versions of job " + job.jobId(),
                    () -> registry.versionOfJob(model, job.jobId()));
            if (done.isPresent()) {
                int version = done.get().path("version").asInt();
                log.info("Job {} already registered version {} of {}; not running it again", job.jobId(), version,
                        model);
                return JobOutcome.registered(version);
            }
        }
        reporter.started(job);
        return handler.run(new JobRun(job, params, cancelled, retry, windows, registry, versions, reporter));
    }
}
