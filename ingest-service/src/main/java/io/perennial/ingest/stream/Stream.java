package io.perennial.ingest.stream;

import io.perennial.contracts.events.StreamSpec;
import java.time.Instant;

/**
 * A registered stream.
 *
 * @param spec the definition other services receive in events
 * @param samplesTopic where validated samples go
 * @param ingestTopic where external producers may write raw samples
 */
public record Stream(StreamSpec spec, String samplesTopic, String ingestTopic, Instant createdAt) {
}
