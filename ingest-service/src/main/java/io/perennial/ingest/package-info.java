/** ingest-service: streams, sample validation, REST and Kafka ingest, dead letters. */
package io.perennial.ingest;
