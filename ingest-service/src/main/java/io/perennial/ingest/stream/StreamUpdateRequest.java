package io.perennial.ingest.stream;

import java.time.Duration;
import java.util.Map;

/**
 * A change to a stream: only the fields that can change without breaking its data.
 *
 * @param policy replaces the adaptation policy when present
 * @param retention new retention of the samples topic when present
 */
public record StreamUpdateRequest(Map<String, Object> policy, Duration retention) {
}
