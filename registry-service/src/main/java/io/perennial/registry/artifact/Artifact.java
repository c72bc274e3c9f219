package io.perennial.registry.artifact;

import java.time.Instant;
import java.util.List;

/**
 * A stored artifact.
 *
 * @param sha256 content address (lower-case hex)
 * @param tensors for safetensors files, {@code name dtype [shape]} per tensor (null otherwise)
 * @param deduplicated on upload: whether the content was already stored
 */
public record Artifact(String sha256, long size, String kind, String format, String store, List<String> tensors,
        String uploadedBy, Instant uploadedAt, boolean deduplicated) {
}
