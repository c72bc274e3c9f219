package io.perennial.support.outbox;

import io.perennial.contracts.events.Event;
import io.perennial.support.kafka.KafkaEvents;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The consuming side of the outbox: decodes a record, claims its event id and runs the handler, all in one
 * transaction. A redelivered event is skipped; a handler failure rolls the claim back so the retry (or the dead-letter
 * topic) sees it again.
 */
public class EventInbox {

    private final KafkaEvents events;
    private final ProcessedEvents processed;
    private final TransactionTemplate transactions;

    public EventInbox(KafkaEvents events, ProcessedEvents processed, TransactionTemplate transactions) {
        this.events = events;
        this.processed = processed;
        this.transactions = transactions;
    }

    /**
     * Processes a record once per {@code consumer}.
     *
     * @return whether the handler ran (false for a duplicate)
     */
    public boolean process(ConsumerRecord<String, byte[]> record, String consumer, Consumer<Event<?>> handler) {
        Event<?> event = events.decode(record);
        Boolean ran = transactions.execute(status -> {
            if (!processed.claim(consumer, event.attributes().id())) {
                return false;
            }
            handler.accept(event);
            return true;
        });
        return Boolean.TRUE.equals(ran);
    }
}
