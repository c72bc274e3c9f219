package io.perennial.worker.serving;

import io.perennial.contracts.Topics;
import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.RegistryEvents.ModelCreated;
import io.perennial.support.outbox.EventInbox;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Follows the registry: new models become served models. */
@Component
public class RegistryEventListener {

    private final EventInbox inbox;
    private final ServedModelRepository served;

    public RegistryEventListener(EventInbox inbox, ServedModelRepository served) {
        this.inbox = inbox;
        this.served = served;
    }

    @KafkaListener(id = "worker-registry-events", topics = Topics.REGISTRY)
    public void on(ConsumerRecord<String, byte[]> record) {
        inbox.process(record, "worker.registry-events", event -> {
            if (event.is(EventTypes.MODEL_CREATED)) {
                ModelCreated created = event.dataAs(EventTypes.MODEL_CREATED);
                served.register(created.model(), created.stream());
            }
        });
    }
}
