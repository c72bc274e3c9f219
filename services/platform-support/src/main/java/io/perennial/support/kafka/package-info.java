/** Kafka conventions: CloudEvents-framed events, the dead-letter topic, topic creation and broker health. */
package io.perennial.support.kafka;
