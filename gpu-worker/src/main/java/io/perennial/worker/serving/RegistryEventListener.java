package io.perennial.worker.serving;

import io.perennial.contracts.Topics;
import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.RegistryEvents.AliasMoved;
import io.perennial.contracts.events.RegistryEvents.ModelCreated;
import io.perennial.support.outbox.EventInbox;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Follows the registry and the stream catalogue: new models become served models, and a move of {@code production}
 * hot-swaps the served version once the move is recorded.
 */
@Component
public class RegistryEventListener {

    private final EventInbox inbox;
    private final ServedModelRepository served;
    private final ServingModels serving;

    public RegistryEventListener(EventInbox inbox, ServedModelRepository served, ServingModels serving) {
        this.inbox = inbox;
        this.served = served;
        this.serving = serving;
    }

    @KafkaListener(id = "worker-registry-events", topics = Topics.REGISTRY)
    public void on(ConsumerRecord<String, byte[]> record) {
        inbox.process(record, "worker.registry-events", event -> {
            if (event.is(EventTypes.MODEL_CREATED)) {
                ModelCreated created = event.dataAs(EventTypes.MODEL_CREATED);
                served.register(created.model(), created.stream());
            } else if (event.is(EventTypes.ALIAS_MOVED)) {
                AliasMoved moved = event.dataAs(EventTypes.ALIAS_MOVED);
                if ("production".equals(moved.alias())) {
                    served.production(moved.model(), moved.version());
                    TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                        @Override
                        public void afterCommit() {
                            serving.swapTo(moved.model(), moved.version());
                        }
                    });
                }
            }
        });
    }

    @KafkaListener(id = "worker-stream-catalog", topics = Topics.STREAMS)
    public void onStream(ConsumerRecord<String, byte[]> record) {
        inbox.process(record, "worker.stream-catalog", event -> {
            if (event.is(EventTypes.STREAM_CREATED)) {
                served.describe(event.dataAs(EventTypes.STREAM_CREATED).stream());
            } else if (event.is(EventTypes.STREAM_UPDATED)) {
                served.describe(event.dataAs(EventTypes.STREAM_UPDATED).stream());
            }
        });
    }
}
