/** CloudEvents 1.0 binary-mode attributes as carried in Kafka headers. */
package io.perennial.contracts.cloudevents;
