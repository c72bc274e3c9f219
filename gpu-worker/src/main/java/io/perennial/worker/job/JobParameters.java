package io.perennial.worker.job;

import io.perennial.contracts.events.JobEvents.JobRequested;
import io.perennial.contracts.events.StreamSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The parts of a job message the worker uses, validated. trainer-service writes them (see its
 * {@code TrainingParameters}); a message missing them is malformed and goes to the dead-letter topic.
 *
 * @param probes earlier segments whose held-out samples the candidate is evaluated on, oldest first
 */
record JobParameters(StreamSpec stream, String segment, int probeEvery, List<Probe> probes, int epochs, int rank,
        double alpha, long seed, double learningRate, int batchSize, double validationFraction, List<String> sources,
        String method, double density) {

    /** An earlier segment: its name and offset window. */
    record Probe(String segment, Map<Integer, Long> fromOffsets, Map<Integer, Long> toOffsets) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<Map<Integer, Long>> OFFSETS = new TypeReference<>() { };

    static JobParameters of(JobRequested job) {
        Map<String, Object> p = job.parameters() == null ? Map.of() : job.parameters();
        Object stream = p.get("stream");
        Object segment = p.get("segment");
        if (!(stream instanceof Map<?, ?>) || !(segment instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException("job " + job.jobId() + " lacks the 'stream' definition or 'segment'");
        }
        StreamSpec spec = JSON.convertValue(stream, StreamSpec.class);
        if (!spec.name().equals(job.stream())) {
            throw new IllegalArgumentException("job " + job.jobId() + " is for stream " + job.stream()
                    + " but carries the definition of " + spec.name());
        }
        List<Probe> probes = new ArrayList<>();
        if (p.get("probes") instanceof List<?> list) {
            for (Object o : list) {
                Map<?, ?> m = (Map<?, ?>) o;
                probes.add(new Probe(String.valueOf(m.get("segment")), JSON.convertValue(m.get("fromOffsets"), OFFSETS),
                        JSON.convertValue(m.get("toOffsets"), OFFSETS)));
            }
        }
        int probeEvery = intOf(p, "probeEvery", 5);
        if (probeEvery < 2) {
            throw new IllegalArgumentException("probeEvery must be at least 2");
        }
        int rank = intOf(p, "rank", 8);
        return new JobParameters(spec, s, probeEvery, List.copyOf(probes), intOf(p, "epochs", 10), rank,
                doubleOf(p, "alpha", 2.0 * rank), intOf(p, "seed", 42), doubleOf(p, "learningRate",
                        job.kind() == io.perennial.contracts.events.JobEvents.JobKind.TRAIN_BASE ? 1e-3 : 3e-3),
                intOf(p, "batchSize", 64), doubleOf(p, "validationFraction", 0.1), sources(p),
                String.valueOf(p.getOrDefault("method", "ties")), doubleOf(p, "density", io.perennial.learning.merge.MergeOptions.defaults().density()));
    }

    private static List<String> sources(Map<String, Object> p) {
        if (!(p.get("sources") instanceof List<?> list)) {
            return List.of();
        }
        return list.stream().map(String::valueOf).toList();
    }

    private static int intOf(Map<String, Object> p, String key, int fallback) {
        Object v = p.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.intValue();
        }
        throw new IllegalArgumentException("parameter '" + key + "' must be a number, got '" + v + "'");
    }

    private static double doubleOf(Map<String, Object> p, String key, double fallback) {
        Object v = p.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("parameter '" + key + "' must be a number, got '" + v + "'");
    }
}
