package io.perennial.trainer.job;

import io.perennial.contracts.events.JobEvents.JobKind;
import io.perennial.contracts.events.StreamSpec;
import io.perennial.trainer.policy.AdaptationPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a worker needs besides the offsets, so a job message is self-contained: the stream's definition, the segment
 * it learns, the probe rule, the earlier segments to evaluate on, and the hyperparameters from the policy. An
 * operator may override hyperparameters, never the parts that identify the data.
 */
final class TrainingParameters {

    /** Keys the trainer owns; a manual job cannot set them. */
    static final Set<String> RESERVED = Set.of("stream", "segment", "probes", "probeEvery");

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private TrainingParameters() {
    }

    /**
     * {@code base}; {@code seg-<n>} for the n-th window after the base (adapter, assessment, prior correction and
     * restore jobs on one window share it; each refinement's grown window is a new one); {@code merge-<n>}, {@code archive-<n>} for the n-th merge or archive.
     *
     * @param earlierSegments distinct segments already named by jobs of {@link #segmentKinds(JobKind)}
     */
    static String segmentName(JobKind kind, int earlierSegments) {
        return switch (kind) {
            case TRAIN_BASE -> "base";
            case MERGE -> "merge-" + (earlierSegments + 1);
            case ARCHIVE -> "archive-" + (earlierSegments + 1);
            default -> "seg-" + (earlierSegments + 1);
        };
    }

    /** The kinds whose segments are numbered together with {@code kind}'s. */
    static List<JobKind> segmentKinds(JobKind kind) {
        return switch (kind) {
            case MERGE, ARCHIVE, TRAIN_BASE -> List.of(kind);
            default -> List.of(JobKind.TRAIN_ADAPTER, JobKind.ASSESS, JobKind.PRIOR_CORRECT, JobKind.RESTORE,
                    JobKind.REFINE);
        };
    }

    /**
     * A segment's window, read by later jobs for its evaluation-only probe.
     *
     * @param segment the segment's name
     * @param fromOffsets per partition, first offset (inclusive)
     * @param toOffsets per partition, end (exclusive)
     */
    record ProbeWindow(String segment, Map<Integer, Long> fromOffsets, Map<Integer, Long> toOffsets) {

        static ProbeWindow of(Job learned) {
            return new ProbeWindow(learned.segment(), learned.fromOffsets(), learned.toOffsets());
        }
    }

    static Map<String, Object> of(JobKind kind, String segment, StreamSpec spec, AdaptationPolicy policy,
            List<ProbeWindow> learnedSegments, Map<String, Object> overrides) {
        Map<String, Object> p = new LinkedHashMap<>();
        if (kind == JobKind.TRAIN_BASE) {
            p.put("epochs", policy.baseEpochs());
        } else if (kind == JobKind.MERGE) {
            p.put("method", policy.mergeMethod());
            p.put("rank", policy.adapterRank());
            p.put("alpha", 2.0 * policy.adapterRank());
        } else if (kind == JobKind.TRAIN_ADAPTER || kind == JobKind.REFINE) {
            p.put("epochs", policy.adapterEpochs());
            p.put("rank", policy.adapterRank());
            p.put("alpha", 2.0 * policy.adapterRank());
        } // ASSESS, PRIOR_CORRECT, RESTORE and ARCHIVE train nothing: their parameters come from the planner
        p.put("seed", 42);
        for (Map.Entry<String, Object> e : overrides.entrySet()) {
            if (RESERVED.contains(e.getKey())) {
                throw new IllegalArgumentException("parameter '" + e.getKey() + "' is set by the trainer");
            }
            p.put(e.getKey(), e.getValue());
        }
        p.put("segment", segment);
        p.put("stream", JSON.convertValue(spec, MAP));
        p.put("probeEvery", policy.probeEvery());
        List<Map<String, Object>> probes = new ArrayList<>();
        if (kind != JobKind.TRAIN_BASE) {
            for (ProbeWindow s : learnedSegments) {
                probes.add(Map.of("segment", s.segment(), "fromOffsets", s.fromOffsets(), "toOffsets", s.toOffsets()));
            }
        }
        p.put("probes", probes);
        return p;
    }
}
