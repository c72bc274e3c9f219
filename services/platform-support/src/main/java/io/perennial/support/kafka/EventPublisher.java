package io.perennial.support.kafka;

import io.perennial.contracts.cloudevents.CloudEventAttributes;
import io.perennial.contracts.events.EventType;
import io.perennial.support.service.ServiceProperties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

/**
 * Publishes events directly to Kafka. Use it for facts that are not a state change of this service (progress
 * reports, predictions); state changes go through the {@link io.perennial.support.outbox.Outbox} so the event and
 * the change commit together.
 */
public class EventPublisher {

    private final KafkaTemplate<String, byte[]> template;
    private final KafkaEvents events;
    private final ServiceProperties service;

    public EventPublisher(KafkaTemplate<String, byte[]> template, KafkaEvents events, ServiceProperties service) {
        this.template = template;
        this.events = events;
        this.service = service;
    }

    /** Sends an event keyed by {@code key}; the future completes when the broker acknowledged it. */
    public <T> CompletableFuture<SendResult<String, byte[]>> publish(EventType<T> type, String key, T data) {
        CloudEventAttributes attributes = CloudEventAttributes.of(service.eventSource().toString(), type.type(), key);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(type.topic(), null, key,
                events.codec().encode(data), KafkaEvents.headers(attributes));
        return template.send(record);
    }
}
