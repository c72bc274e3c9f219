package io.perennial.worker.job;

import io.perennial.learning.ContinualLearner;
import io.perennial.learning.data.LabeledData;
import io.perennial.learning.evaluation.ProbeReport;
import io.perennial.learning.routing.RoutingMode;
import io.perennial.worker.LocalFiles;
import io.perennial.worker.registry.VersionFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * The last steps every version-making job shares: evaluate the candidate on every probe (flip rates against the
 * serving version), save and upload its files, register the version and attach the report. Registry calls are
 * retried while it is unavailable.
 */
@Component
class VersionRegistration {

    private static final Logger log = LoggerFactory.getLogger(VersionRegistration.class);

    /**
     * @param candidate the model to register (the caller closes it)
     * @return the registered version
     */
    int register(JobRun run, ContinualLearner candidate, VersionDraft draft) {
        run.stopIfCancelled("before evaluation");
        run.phase("evaluating");
        ProbeReport report = candidate.evaluate(draft.probeData(), draft.servingPredictions());
        List<SegmentProbe> probes = draft.probes();
        double latencyMs = latencyMs(candidate, probes.get(probes.size() - 1).data());
        String model = run.model();
        RegistryRetry retry = run.retry();
        Path dir = tempDirectory();
        try {
            candidate.save(dir);
            List<Map<String, Object>> artifacts = VersionFiles.uploadAll(dir, (name, kind, file) -> retry.call(
                    "upload " + name, () -> run.registry().upload(model, kind, file)));
            JsonNode parent = draft.parent() == null ? null
                    : retry.call("read version " + draft.parent(), () -> run.registry().version(model, draft.parent()));
            Map<String, Object> segments = VersionRequest.segments(parent, run.job(), draft);
            Map<String, Object> version = VersionRequest.of(run.job(), draft, parent, candidate, segments, artifacts,
                    run.progress().summary());
            // Uploaded files without a version are left to the registry's artifact collection.
            run.stopIfCancelled("before registration");
            int number = retry.call("register the version", () -> run.registry().register(model, version));
            Map<String, Object> evaluation = EvaluationReport.of(probes, report, draft.serving(), latencyMs,
                    candidate, run.family(), VersionRequest.archivedSegments(segments, candidate.archivedRegimes()));
            retry.call("attach the evaluation", () -> {
                run.registry().evaluate(model, number, evaluation);
                return null;
            });
            log.info("Job {} registered {} v{} ({}, segment {}, accuracy row {})", run.job().jobId(), model, number,
                    draft.kind(), run.params().segment(), report.accuracies());
            return number;
        } catch (IOException ex) {
            throw JobFailedException.retryable("cannot write the trained model: " + ex.getMessage(), ex);
        } finally {
            try {
                LocalFiles.deleteTree(dir);
            } catch (IOException ex) {
                log.warn("Could not delete {}: {}", dir, ex.getMessage());
            }
        }
    }

    private static Path tempDirectory() {
        try {
            return Files.createTempDirectory("perennial-job-");
        } catch (IOException ex) {
            throw JobFailedException.retryable("cannot write the trained model: " + ex.getMessage(), ex);
        }
    }

    /** Mean wall time of routed prediction of a batch of 32, after a warm-up. */
    private static double latencyMs(ContinualLearner model, LabeledData probe) {
        LabeledData batch = probe.range(0, Math.min(32, probe.size()));
        model.predict(batch, RoutingMode.HARD);
        int runs = 10;
        long start = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            model.predict(batch, RoutingMode.HARD);
        }
        return (System.nanoTime() - start) / 1e6 / runs;
    }
}
