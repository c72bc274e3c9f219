package io.perennial.contracts.events;

import java.util.Objects;

/**
 * One kind of event: its CloudEvents {@code type}, the topic it travels on and its data record.
 *
 * @param type reverse-DNS CloudEvents type, e.g. {@code io.perennial.stream.created}
 * @param topic the Kafka topic
 * @param aggregateType the outbox aggregate type (the kind of thing the key names: stream, job, model)
 * @param dataClass the record carried as event data
 * @param <T> the data type
 */
public record EventType<T>(String type, String topic, String aggregateType, Class<T> dataClass) {

    public EventType {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(aggregateType, "aggregateType");
        Objects.requireNonNull(dataClass, "dataClass");
    }
}
