package io.perennial.drift.monitor;

import io.perennial.contracts.Topics;
import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.RegistryEvents.AliasMoved;
import io.perennial.drift.reference.PromotedReferences;
import io.perennial.support.outbox.EventInbox;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Learns which stream each model serves and, when a new version becomes {@code production}, records that the
 * stream's reference must become the data that version was trained on ({@link PromotedReferences} does the reading,
 * off this thread): drift is then measured against what the serving version is expected to see.
 */
@Component
public class RegistryListener {

    /** The alias whose moves replace the reference. */
    public static final String PRODUCTION = "production";

    private final EventInbox inbox;
    private final DriftRepository repository;
    private final PromotedReferences references;

    public RegistryListener(EventInbox inbox, DriftRepository repository, PromotedReferences references) {
        this.inbox = inbox;
        this.repository = repository;
        this.references = references;
    }

    @KafkaListener(id = "drift-registry", topics = Topics.REGISTRY)
    public void on(ConsumerRecord<String, byte[]> record) {
        AtomicReference<AliasMoved> promoted = new AtomicReference<>();
        AtomicReference<AliasMoved> unknown = new AtomicReference<>();
        boolean ran = inbox.process(record, "drift.registry", event -> {
            if (event.is(EventTypes.MODEL_CREATED)) {
                var created = event.dataAs(EventTypes.MODEL_CREATED);
                repository.saveModel(created.model(), created.stream());
            } else if (event.is(EventTypes.ALIAS_MOVED)) {
                AliasMoved moved = event.dataAs(EventTypes.ALIAS_MOVED);
                if (PRODUCTION.equals(moved.alias())) {
                    // stored with the inbox claim: a crash from here on cannot lose the promotion
                    repository.streamOfModel(moved.model()).ifPresentOrElse(stream -> {
                        repository.requestReference(stream, moved.model(), moved.version(), moved.movedAt());
                        promoted.set(moved);
                    }, () -> unknown.set(moved));
                }
            }
        });
        if (ran && promoted.get() != null) {
            references.startOpenRequests();
        }
        if (ran && unknown.get() != null) {
            references.promotedUnknownModel(unknown.get().model(), unknown.get().version(),
                    unknown.get().movedAt());
        }
    }
}
