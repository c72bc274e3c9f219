/**
 * Perennial's wire contracts: Kafka topic names, event records and their JSON and CloudEvents encoding.
 *
 * <p>This module has no Spring and no Kafka dependency so that any client can use it.
 */
package io.perennial.contracts;
