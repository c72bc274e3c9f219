package io.perennial.worker.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.perennial.contracts.events.JobEvents.JobKind;
import io.perennial.contracts.events.JobEvents.JobRequested;
import io.perennial.contracts.events.StreamSpec;
import io.perennial.formats.spec.ModelFamilySpec;
import io.perennial.formats.spec.SpecJson;
import io.perennial.worker.WorkerProperties;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The worker reads remedy and regime parameters as trainer-service writes them, and refuses malformed ones. */
class JobParametersTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final Map<String, Object> FAMILY = Map.of("family", "mlp", "input_dim", 4, "hidden", List.of(8),
            "classes", 3, "activation", "relu", "version", 1);
    static final StreamSpec STREAM = new StreamSpec("s", List.of(4), List.of("a", "b", "c"), false, 1, 3_600_000,
            FAMILY, Map.of());

    static JobRequested job(JobKind kind, Map<String, Object> extra) {
        Map<String, Object> p = new HashMap<>();
        p.put("stream", JSON.convertValue(STREAM, new TypeReference<Map<String, Object>>() { }));
        p.put("segment", "seg-2");
        p.put("probeEvery", 5);
        p.put("probes", List.of());
        p.putAll(extra);
        return new JobRequested("job-1", kind, "s", 1, Map.of(0, 0L), Map.of(0, 100L), p, Instant.now());
    }

    private static JobParameters params(JobKind kind, Map<String, Object> extra) {
        return JobParameters.of(job(kind, extra));
    }

    @Test
    void remediesAreReadWithTheirDefaults() {
        JobParameters plain = params(JobKind.TRAIN_ADAPTER, Map.of("rank", 8, "alpha", 16.0));
        assertThat(plain.distillation()).isNull();
        assertThat(plain.targets()).isEmpty();
        assertThat(plain.rank()).isEqualTo(8);

        JobParameters remedy = params(JobKind.TRAIN_ADAPTER, Map.of("rank", 16, "distillation",
                Map.of("weight", 1, "temperature", 2.5), "targets", List.of("fc2")));
        assertThat(remedy.distillation()).isEqualTo(new JobParameters.Distillation(1.0, 2.5));
        assertThat(remedy.targets()).containsExactly("fc2");
        assertThat(remedy.rank()).isEqualTo(16);
        assertThat(remedy.alpha()).isEqualTo(32.0); // without 'alpha', α = 2 × rank keeps the scale α/r

        assertThat(params(JobKind.TRAIN_ADAPTER, Map.of("distillation", Map.of("weight", 0.5))).distillation())
                .isEqualTo(new JobParameters.Distillation(0.5, 2.0));
    }

    @Test
    void malformedRemediesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> params(JobKind.TRAIN_ADAPTER, Map.of("distillation", 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'distillation' must be an object");
        assertThatThrownBy(() -> params(JobKind.TRAIN_ADAPTER, Map.of("distillation", Map.of("temperature", 2))))
                .hasMessageContaining("lacks its 'weight'");
        assertThatThrownBy(() -> params(JobKind.TRAIN_ADAPTER, Map.of("distillation", Map.of("weight", -1))))
                .hasMessageContaining("weight must be a positive number");
        assertThatThrownBy(() -> params(JobKind.TRAIN_ADAPTER, Map.of("distillation",
                Map.of("weight", 1, "temperature", 0)))).hasMessageContaining("temperature must be a positive");
        assertThatThrownBy(() -> params(JobKind.TRAIN_ADAPTER, Map.of("distillation",
                Map.of("weight", 1, "temp", 2)))).hasMessageContaining("unknown field 'temp'");
        assertThatThrownBy(() -> params(JobKind.TRAIN_ADAPTER, Map.of("distillation", Map.of("weight", "much"))))
                .hasMessageContaining("'weight' must be a number");
        assertThatThrownBy(() -> params(JobKind.TRAIN_ADAPTER, Map.of("targets", "fc2")))
                .hasMessageContaining("'targets' must be a list");
        assertThatThrownBy(() -> params(JobKind.TRAIN_ADAPTER, Map.of("targets", List.of("fc2", "fc2"))))
                .hasMessageContaining("names 'fc2' twice");
        assertThatThrownBy(() -> params(JobKind.TRAIN_ADAPTER, Map.of("targets", List.of(" "))))
                .hasMessageContaining("must hold names");
        assertThatThrownBy(() -> params(JobKind.TRAIN_ADAPTER, Map.of("rank", 0)))
                .hasMessageContaining("rank must be at least 1");
    }

    @Test
    void targetsMustBeLinearLayersOfTheStreamsFamily() {
        ModelFamilySpec family = SpecJson.modelSpecFromJson(JSON.writeValueAsString(FAMILY));
        List<String> layers = family.linearLayers().stream().map(l -> l.name()).toList();
        String head = family.headLayer();
        assertThat(TrainAdapterHandler.options(params(JobKind.TRAIN_ADAPTER, Map.of("targets", List.of(head),
                "rank", 2)), family).targets()).containsExactly(head);
        assertThat(TrainAdapterHandler.options(params(JobKind.TRAIN_ADAPTER, Map.of()), family).targets()).isEmpty();
        assertThatThrownBy(() -> TrainAdapterHandler.options(params(JobKind.TRAIN_ADAPTER,
                Map.of("targets", List.of("conv9"))), family))
                .isInstanceOfSatisfying(JobFailedException.class, ex -> assertThat(ex.retryable()).isFalse())
                .hasMessageContaining("'targets'").hasMessageContaining("conv9")
                .hasMessageContaining(layers.get(0));
    }

    @Test
    void regimeJobsNameTheirRegimes() {
        assertThat(params(JobKind.RESTORE, Map.of("regime", "seg-1")).regime()).isEqualTo("seg-1");
        assertThat(params(JobKind.PRIOR_CORRECT, Map.of("regime", "base")).regime()).isEqualTo("base");
        assertThat(params(JobKind.ARCHIVE, Map.of("regimes", List.of("seg-1", "seg-3"))).regimes())
                .containsExactly("seg-1", "seg-3");
        assertThatThrownBy(() -> params(JobKind.RESTORE, Map.of())).hasMessageContaining("'regime'");
        JobParameters refine = params(JobKind.REFINE, Map.of("regime", "seg-1", "rank", 4, "targets", List.of("fc2"),
                "distillation", Map.of("weight", 1)));
        assertThat(refine.regime()).isEqualTo("seg-1");
        assertThat(refine.rank()).isEqualTo(4);
        assertThat(refine.targets()).containsExactly("fc2");
        assertThat(refine.distillation()).isEqualTo(new JobParameters.Distillation(1.0, 2.0));
        assertThatThrownBy(() -> params(JobKind.REFINE, Map.of())).hasMessageContaining("a REFINE job names its "
                + "regime in 'regime'");
        assertThatThrownBy(() -> params(JobKind.PRIOR_CORRECT, Map.of("regime", 3)))
                .hasMessageContaining("'regime' must be a regime name");
        assertThatThrownBy(() -> params(JobKind.ARCHIVE, Map.of())).hasMessageContaining("'regimes'");
        assertThatThrownBy(() -> params(JobKind.ARCHIVE, Map.of("regimes", List.of()))).hasMessageContaining(
                "'regimes'");
        assertThat(params(JobKind.TRAIN_ADAPTER, Map.of()).regime()).isNull();
    }

    @Test
    void aMalformedJobFailsForGoodBeforeTouchingAnything() {
        TrainingJobRunner runner = new TrainingJobRunner(null, null, null, null, new WorkerProperties(), List.of());
        assertThatThrownBy(() -> runner.run(job(JobKind.TRAIN_ADAPTER, Map.of("distillation", Map.of("weight", 0))),
                () -> false)).isInstanceOfSatisfying(JobFailedException.class, ex -> assertThat(ex.retryable())
                        .isFalse()).hasMessageStartingWith("malformed job: ").hasMessageContaining("distillation");
        assertThatThrownBy(() -> runner.run(job(JobKind.EVALUATE, Map.of()), () -> false))
                .isInstanceOfSatisfying(JobFailedException.class, ex -> assertThat(ex.retryable()).isFalse())
                .hasMessageContaining("EVALUATE jobs are not supported");
    }
}
