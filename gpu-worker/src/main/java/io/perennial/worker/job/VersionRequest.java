package io.perennial.worker.job;

import io.perennial.contracts.Topics;
import io.perennial.contracts.events.JobEvents.JobRequested;
import io.perennial.learning.ContinualLearner;
import io.perennial.learning.lora.LoraAdapter;
import io.perennial.learning.training.listener.TrainingSummary;
import io.perennial.worker.registry.VersionFiles;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The registry's version request for a job's candidate: its parent's adapters and segments carried over, what the
 * job added, the router description, the training metrics and the uploaded files. Pure: no registry calls.
 */
final class VersionRequest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };
    private static final TypeReference<List<Map<String, Object>>> LIST = new TypeReference<>() { };

    /** The field of a segment naming the regime its window is mapped to. */
    static final String REGIME = "regime";

    /**
     * The field marking a segment whose probe no longer shows its regime as served: a prior correction re-estimated
     * the regime's class priors on a later window, so the older probes, drawn under the old priors, are evaluated but
     * not gated (a version kept for good through every descendant).
     */
    static final String SUPERSEDED = "superseded";

    private VersionRequest() {
    }

    /** The job's window as a segment: the samples topic and each partition's offsets. */
    static Map<String, Object> window(JobRequested job) {
        List<Map<String, Object>> partitions = new ArrayList<>();
        job.fromOffsets().keySet().stream().sorted().forEach(p -> partitions.add(Map.of("partition", p,
                "fromOffset", job.fromOffsets().get(p), "toOffset", job.toOffsets().get(p))));
        return Map.of("topic", Topics.samples(job.stream()), "partitions", partitions);
    }

    /**
     * The version's segments, each with the regime it is mapped to: the parent's, then the job's window if it
     * records one. A parent's segment without a regime (registered before segments named theirs) was learned as the
     * regime of its own name.
     *
     * @param parent the parent version as the registry returns it, or null
     */
    static Map<String, Object> segments(JsonNode parent, JobRequested job, VersionDraft draft) {
        Map<String, Object> segments = new LinkedHashMap<>();
        if (parent != null) {
            Map<String, Object> inherited = JSON.convertValue(parent.path("router").path("segments"), MAP);
            if (inherited != null) {
                inherited.forEach((name, value) -> {
                    Map<String, Object> segment = new LinkedHashMap<>(JSON.convertValue(value, MAP));
                    segment.putIfAbsent(REGIME, name);
                    segments.put(name, segment);
                });
            }
        }
        if (draft.kind().equals("prior") && draft.segment() != null) {
            segments.values().forEach(value -> {
                @SuppressWarnings("unchecked")
                Map<String, Object> segment = (Map<String, Object>) value;
                if (draft.segment().regime().equals(segment.get(REGIME))) {
                    segment.put(SUPERSEDED, true);
                }
            });
        }
        if (draft.segment() != null) {
            Map<String, Object> segment = new LinkedHashMap<>(window(job));
            segment.put(REGIME, draft.segment().regime());
            segments.put(draft.segment().name(), segment);
        }
        return segments;
    }

    /**
     * The segments (from {@link #segments}) the candidate deliberately no longer serves as they were: their regime is
     * archived, or their probe was superseded by a prior correction. The evaluation flags them {@code archived}, which
     * the registry shows but does not gate.
     */
    static Set<String> archivedSegments(Map<String, Object> segments, Set<String> archivedRegimes) {
        Set<String> archived = new LinkedHashSet<>();
        segments.forEach((name, value) -> {
            if (value instanceof Map<?, ?> segment && (archivedRegimes.contains(String.valueOf(segment.get(REGIME)))
                    || Boolean.TRUE.equals(segment.get(SUPERSEDED)))) {
                archived.add(name);
            }
        });
        return archived;
    }

    /**
     * The request body of {@code POST /v1/models/{m}/versions}.
     *
     * @param parent the parent version as the registry returns it, or null
     * @param segments from {@link #segments}
     * @param artifacts the uploaded files
     * @param summary the training run's summary, or null when nothing was trained
     */
    static Map<String, Object> of(JobRequested job, VersionDraft draft, JsonNode parent, ContinualLearner candidate,
            Map<String, Object> segments, List<Map<String, Object>> artifacts, TrainingSummary summary) {
        List<Map<String, Object>> adapters = new ArrayList<>();
        if (parent != null) {
            adapters.addAll(JSON.convertValue(parent.path("adapters"), LIST));
        }
        if (draft.adapter() != null) {
            LoraAdapter adapter = candidate.adapters().get(draft.adapter());
            Map<String, Object> trained = Map.of("name", draft.adapter(), "rank", adapter.config().r(), "alpha",
                    adapter.config().loraAlpha(), "targetModules", adapter.targets(), "segment", window(job));
            // A refined adapter keeps its parent's name and place; its entry now lists the grown window.
            int inherited = indexOf(adapters, draft.adapter());
            if (inherited >= 0) {
                adapters.set(inherited, trained);
            } else {
                adapters.add(trained);
            }
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("kind", draft.kind());
        if (draft.merge() != null) {
            // The version lists the adapters it still holds as trained; the merged one is in the recipe and router.
            adapters.removeIf(a -> draft.merge().consumedAdapters().contains(String.valueOf(a.get("name"))));
            v.put("merge", draft.merge().recipe());
        }
        if (draft.parent() != null) {
            v.put("parentVersion", draft.parent());
        }
        v.put("jobId", job.jobId());
        v.put("adapters", adapters);
        v.put("router", VersionFiles.router(candidate, segments));
        v.put("metrics", metrics(summary));
        v.put("artifacts", artifacts);
        v.put("description", draft.description());
        return v;
    }

    private static int indexOf(List<Map<String, Object>> adapters, String name) {
        for (int i = 0; i < adapters.size(); i++) {
            if (name.equals(String.valueOf(adapters.get(i).get("name")))) {
                return i;
            }
        }
        return -1;
    }

    private static Map<String, Object> metrics(TrainingSummary summary) {
        Map<String, Object> metrics = new LinkedHashMap<>();
        if (summary != null) {
            metrics.put("trainSeconds", summary.trainSeconds());
            metrics.put("trainSamplesPerSecond", summary.samplesPerSecond());
            metrics.put("finalTrainLoss", summary.finalTrainLoss());
            metrics.put("trainableParameters", (double) summary.trainableParameters());
        }
        return metrics;
    }
}
