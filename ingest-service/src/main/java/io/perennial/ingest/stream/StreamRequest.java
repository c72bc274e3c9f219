package io.perennial.ingest.stream;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A request to register a stream.
 *
 * @param name lower-case letters, digits, '-' and '_'
 * @param inputShape shape of one sample's features, e.g. {@code [784]} or {@code [1, 28, 28]}
 * @param labels class labels in class-index order
 * @param labelRequired whether every sample must carry a label at ingest (default false: labels may come later)
 * @param partitions partitions of the samples topic (default 3)
 * @param retention how long samples are kept, ISO-8601 (default {@code P7D}); this bounds training data: replay-free
 * @param modelFamily model family spec; derived from the shape when absent
 * @param policy adaptation policy overrides for trainer-service
 */
public record StreamRequest(
        @NotNull String name,
        @NotEmpty @Size(max = 4) List<@NotNull @Min(1) @Max(100_000) Integer> inputShape,
        @NotEmpty @Size(min = 2, max = 10_000) List<@NotNull @Size(min = 1, max = 100) String> labels,
        Boolean labelRequired,
        @Min(1) @Max(64) Integer partitions,
        Duration retention,
        Map<String, Object> modelFamily,
        Map<String, Object> policy) {
}
