/**
 * Kafka ingest: records written by external producers to {@code perennial.ingest.<stream>} are validated and
 * forwarded to the samples topic, or to the dead-letter topic with a reason, exactly once.
 */
package io.perennial.ingest.kafka;
