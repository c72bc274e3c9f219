/** Stream registration: definitions, their Kafka topics and lifecycle events. */
package io.perennial.ingest.stream;
