package io.perennial.trainer.adaptation;

import io.perennial.contracts.Topics;
import io.perennial.contracts.events.EventTypes;
import io.perennial.support.outbox.EventInbox;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Records every drift alarm once (the inbox drops redeliveries); the planner decides what to do with it. */
@Component
public class DriftTriggerListener {

    private final EventInbox inbox;
    private final DriftTriggerRepository triggers;

    public DriftTriggerListener(EventInbox inbox, DriftTriggerRepository triggers) {
        this.inbox = inbox;
        this.triggers = triggers;
    }

    @KafkaListener(id = "trainer-drift-alarms", topics = Topics.DRIFT)
    public void on(ConsumerRecord<String, byte[]> record) {
        inbox.process(record, "trainer.drift-alarms", event -> {
            if (event.is(EventTypes.DRIFT_DETECTED)) {
                triggers.insert(event.dataAs(EventTypes.DRIFT_DETECTED));
            }
        });
    }
}
