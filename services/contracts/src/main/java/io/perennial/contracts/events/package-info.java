/**
 * Event data records carried on Perennial's Kafka topics, the catalogue of event types and their JSON codec.
 */
package io.perennial.contracts.events;
