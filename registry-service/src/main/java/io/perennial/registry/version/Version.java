package io.perennial.registry.version;

import io.perennial.registry.version.VersionRequest.Adapter;
import io.perennial.registry.version.VersionRequest.ArtifactRef;
import io.perennial.registry.version.VersionRequest.MergeRecipe;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An immutable version of a model.
 *
 * @param servedAt when {@code production} first pointed at it (null: never served)
 * @param aliases the aliases that point at it now
 */
public record Version(String model, int version, String kind, Integer parentVersion, String jobId,
        List<Adapter> adapters, Map<String, Object> router, MergeRecipe merge, Map<String, Double> metrics,
        List<ArtifactRef> artifacts, String description, String createdBy, Instant createdAt, Instant servedAt,
        List<String> aliases) {
}
