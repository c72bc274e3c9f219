/**
 * Real infrastructure in-process: a KRaft Kafka broker and a PostgreSQL server, for the all-in-one stack and tests.
 */
package io.perennial.embedded;
