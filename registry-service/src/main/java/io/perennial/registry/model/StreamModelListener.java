package io.perennial.registry.model;

import io.perennial.contracts.Topics;
import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.RegistryEvents.ModelCreated;
import io.perennial.contracts.events.StreamSpec;
import io.perennial.support.outbox.EventInbox;
import io.perennial.support.outbox.Outbox;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Creates the default model of each new stream (named after the stream) and announces it. */
@Component
public class StreamModelListener {

    private final EventInbox inbox;
    private final ModelRepository models;
    private final Outbox outbox;

    public StreamModelListener(EventInbox inbox, ModelRepository models, Outbox outbox) {
        this.inbox = inbox;
        this.models = models;
        this.outbox = outbox;
    }

    @KafkaListener(id = "registry-stream-models", topics = Topics.STREAMS)
    public void on(ConsumerRecord<String, byte[]> record) {
        inbox.process(record, "registry.stream-models", event -> {
            if (!event.is(EventTypes.STREAM_CREATED)) {
                return;
            }
            StreamSpec spec = event.dataAs(EventTypes.STREAM_CREATED).stream();
            if (models.insert(spec.name(), spec.name(), spec.modelFamily())) {
                outbox.append(EventTypes.MODEL_CREATED, spec.name(),
                        new ModelCreated(spec.name(), spec.name(), Instant.now()));
            }
        });
    }
}
