package io.perennial.drift.monitor;

import io.perennial.contracts.Topics;
import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.RegistryEvents.AliasMoved;
import io.perennial.support.outbox.EventInbox;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Learns which stream each model serves and resets a stream's reference when a new version becomes
 * {@code production}: drift is then measured against what the serving version is expected to see.
 */
@Component
public class RegistryListener {

    /** The alias whose moves reset the reference. */
    public static final String PRODUCTION = "production";

    private final EventInbox inbox;
    private final DriftRepository repository;
    private final StreamMonitors monitors;

    public RegistryListener(EventInbox inbox, DriftRepository repository, StreamMonitors monitors) {
        this.inbox = inbox;
        this.repository = repository;
        this.monitors = monitors;
    }

    @KafkaListener(id = "drift-registry", topics = Topics.REGISTRY)
    public void on(ConsumerRecord<String, byte[]> record) {
        inbox.process(record, "drift.registry", event -> {
            if (event.is(EventTypes.MODEL_CREATED)) {
                var created = event.dataAs(EventTypes.MODEL_CREATED);
                repository.saveModel(created.model(), created.stream());
            } else if (event.is(EventTypes.ALIAS_MOVED)) {
                AliasMoved moved = event.dataAs(EventTypes.ALIAS_MOVED);
                if (PRODUCTION.equals(moved.alias())) {
                    repository.streamOfModel(moved.model()).ifPresent(monitors::resetReference);
                }
            }
        });
    }
}
