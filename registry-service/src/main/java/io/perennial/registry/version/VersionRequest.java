package io.perennial.registry.version;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A version to register.
 *
 * @param kind {@code base}, {@code adapter}, {@code merge}, {@code prior}, {@code restore} or {@code archive} (see
 *     {@link VersionKinds})
 * @param parentVersion the version this one was derived from (required for every kind but base)
 * @param jobId the training job that produced it
 * @param adapters the adapters this version contains, each with the segment it was trained on (prior, restore and
 *     archive versions list only their parent's adapters)
 * @param router the router descriptors (JSON object, e.g. regimes and the artifact that holds them)
 * @param merge the merge recipe (merge versions only)
 * @param metrics training metrics (name to number)
 * @param artifacts files of this version by name, each an uploaded artifact's SHA-256
 * @param description free text
 */
public record VersionRequest(
        @NotNull @Pattern(regexp = VersionKinds.PATTERN,
                message = "must be base, adapter, merge, prior, restore or archive") String kind,
        @Positive Integer parentVersion,
        @Size(max = 200) String jobId,
        @Size(max = 1000) List<@Valid Adapter> adapters,
        Map<String, Object> router,
        @Valid MergeRecipe merge,
        Map<String, Double> metrics,
        @Size(max = 100) List<@Valid ArtifactRef> artifacts,
        @Size(max = 2000) String description) {

    /**
     * A LoRA adapter of a version.
     *
     * @param name adapter name, unique within the version
     * @param rank LoRA rank r
     * @param alpha LoRA alpha
     * @param targetModules the linear layers it adapts
     * @param segment the data it was trained on
     */
    public record Adapter(
            @NotBlank @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]{0,99}") String name,
            @Positive int rank,
            @Positive double alpha,
            @NotEmpty List<@NotBlank String> targetModules,
            @NotNull @Valid Segment segment) {
    }

    /**
     * The stretch of a stream an adapter learned from: Kafka offsets per partition and the time range.
     *
     * @param topic the samples topic
     * @param partitions offset range per partition, {@code fromOffset} inclusive, {@code toOffset} exclusive
     * @param from time of the first sample
     * @param to time of the last sample
     */
    public record Segment(@NotBlank String topic, @NotEmpty List<@Valid PartitionRange> partitions, Instant from,
            Instant to) {
    }

    /** Offsets {@code [fromOffset, toOffset)} of one partition. */
    public record PartitionRange(@Min(0) int partition, @Min(0) long fromOffset, @Min(0) long toOffset) {
    }

    /**
     * How a merge version was made.
     *
     * @param method task-arithmetic, ties, dare, breadcrumbs, magmax or orthogonal-projection
     * @param weights per-source weights (same length as sources), optional
     * @param density kept fraction for ties / dare / breadcrumbs, optional
     * @param seed random seed (dare), optional
     * @param sources the adapters merged, each named by the version that holds it
     */
    public record MergeRecipe(@NotBlank String method, List<Double> weights, Double density, Long seed,
            @NotEmpty List<@Valid MergeSource> sources) {
    }

    /** One merged adapter: the version that contains it and its name. */
    public record MergeSource(@Positive int version, @NotBlank String adapter) {
    }

    /** A named file of the version: an artifact uploaded before registration. */
    public record ArtifactRef(@NotBlank @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._/-]{0,199}") String name,
            @NotBlank @Pattern(regexp = "[0-9a-f]{64}", message = "must be 64 lower-case hex digits") String sha256) {
    }
}
