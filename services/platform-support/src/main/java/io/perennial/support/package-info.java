/**
 * Conventions every Perennial service shares: Kafka events with CloudEvents headers and a dead-letter topic, the
 * transactional outbox, RFC 9457 problem responses, API-key and role security, health and metrics.
 */
package io.perennial.support;
