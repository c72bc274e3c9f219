package io.perennial.worker.job;

import io.perennial.contracts.events.JobEvents.JobKind;
import io.perennial.contracts.events.JobEvents.JobRequested;
import io.perennial.contracts.events.StreamSpec;
import io.perennial.learning.merge.MergeOptions;
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
 * @param distillation {@code TRAIN_ADAPTER}, {@code REFINE}: distil from the serving version while training, or null
 * @param targets {@code TRAIN_ADAPTER}, {@code REFINE}: the linear layers the adapter adapts; empty means the
 *     library's default (every linear layer)
 * @param regime {@code PRIOR_CORRECT}, {@code RESTORE}: the known regime the window matched; {@code REFINE}: the
 *     regime whose adapter is trained on its grown window; else null
 * @param regimes {@code ARCHIVE}: the regimes taken out of routing, else empty
 */
record JobParameters(StreamSpec stream, String segment, int probeEvery, List<Probe> probes, int epochs, int rank,
        double alpha, long seed, double learningRate, int batchSize, double validationFraction, List<String> sources,
        String method, double density, Distillation distillation, List<String> targets, String regime,
        List<String> regimes) {

    /** An earlier segment: its name and offset window. */
    record Probe(String segment, Map<Integer, Long> fromOffsets, Map<Integer, Long> toOffsets) {
    }

    /**
     * Distillation from the serving version (a remedy for negative flips): the adapter also matches the serving
     * model's tempered probabilities on the window.
     *
     * @param weight λ of the distillation term, positive
     * @param temperature T, positive (default 2)
     */
    record Distillation(double weight, double temperature) {

        static final double DEFAULT_TEMPERATURE = 2.0;

        Distillation {
            if (!(weight > 0) || !Double.isFinite(weight)) {
                throw new IllegalArgumentException("distillation weight must be a positive number, got " + weight);
            }
            if (!(temperature > 0) || !Double.isFinite(temperature)) {
                throw new IllegalArgumentException("distillation temperature must be a positive number, got "
                        + temperature);
            }
        }
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
        if (rank < 1) {
            throw new IllegalArgumentException("rank must be at least 1, got " + rank);
        }
        String regime = regime(job.kind(), p);
        List<String> regimes = names(p, "regimes");
        if (job.kind() == JobKind.ARCHIVE && regimes.isEmpty()) {
            throw new IllegalArgumentException("an ARCHIVE job names the regimes to archive in 'regimes'");
        }
        return new JobParameters(spec, s, probeEvery, List.copyOf(probes), intOf(p, "epochs", 10), rank,
                doubleOf(p, "alpha", 2.0 * rank), intOf(p, "seed", 42), doubleOf(p, "learningRate",
                        job.kind() == JobKind.TRAIN_BASE ? 1e-3 : 3e-3),
                intOf(p, "batchSize", 64), doubleOf(p, "validationFraction", 0.1), sources(p),
                String.valueOf(p.getOrDefault("method", "ties")), doubleOf(p, "density",
                        MergeOptions.defaults().density()), distillation(p), names(p, "targets"), regime, regimes);
    }

    private static List<String> sources(Map<String, Object> p) {
        if (!(p.get("sources") instanceof List<?> list)) {
            return List.of();
        }
        return list.stream().map(String::valueOf).toList();
    }

    /** {@code "distillation": {"weight": λ, "temperature": T}}; absent or null: no distillation. */
    private static Distillation distillation(Map<String, Object> p) {
        Object d = p.get("distillation");
        if (d == null) {
            return null;
        }
        if (!(d instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("parameter 'distillation' must be an object {weight, temperature}, got '"
                    + d + "'");
        }
        for (Object key : m.keySet()) {
            if (!"weight".equals(key) && !"temperature".equals(key)) {
                throw new IllegalArgumentException("parameter 'distillation' has an unknown field '" + key + "'");
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = (Map<String, Object>) m;
        if (fields.get("weight") == null) {
            throw new IllegalArgumentException("parameter 'distillation' lacks its 'weight'");
        }
        return new Distillation(doubleOf(fields, "weight", 0), doubleOf(fields, "temperature",
                Distillation.DEFAULT_TEMPERATURE));
    }

    /** {@code "regime"}: required by PRIOR_CORRECT, RESTORE and REFINE, which act on one known regime. */
    private static String regime(JobKind kind, Map<String, Object> p) {
        Object r = p.get("regime");
        if (r == null) {
            if (kind == JobKind.PRIOR_CORRECT || kind == JobKind.RESTORE || kind == JobKind.REFINE) {
                throw new IllegalArgumentException("a " + kind + " job names its regime in 'regime'");
            }
            return null;
        }
        if (!(r instanceof String name) || name.isBlank()) {
            throw new IllegalArgumentException("parameter 'regime' must be a regime name, got '" + r + "'");
        }
        return name;
    }

    /** A list of distinct, non-blank names; absent means empty. */
    private static List<String> names(Map<String, Object> p, String key) {
        Object v = p.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw new IllegalArgumentException("parameter '" + key + "' must be a list of names, got '" + v + "'");
        }
        List<String> names = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof String name) || name.isBlank()) {
                throw new IllegalArgumentException("parameter '" + key + "' must hold names, got '" + o + "'");
            }
            if (names.contains(name)) {
                throw new IllegalArgumentException("parameter '" + key + "' names '" + name + "' twice");
            }
            names.add(name);
        }
        return List.copyOf(names);
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
