package io.perennial.registry.model;

import java.time.Instant;
import java.util.Map;

/**
 * A model: a named sequence of versions for one stream.
 *
 * @param family the model family spec its versions share
 */
public record Model(String name, String stream, Map<String, Object> family, Instant createdAt) {
}
