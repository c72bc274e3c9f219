package io.perennial.trainer.job;

import io.perennial.contracts.Topics;
import io.perennial.contracts.events.EventTypes;
import io.perennial.support.outbox.EventInbox;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Applies workers' reports from {@code perennial.job-events}, once each. */
@Component
public class JobEventsListener {

    private final EventInbox inbox;
    private final JobService jobs;

    public JobEventsListener(EventInbox inbox, JobService jobs) {
        this.inbox = inbox;
        this.jobs = jobs;
    }

    @KafkaListener(id = "trainer-job-events", topics = Topics.JOB_EVENTS)
    public void on(ConsumerRecord<String, byte[]> record) {
        inbox.process(record, "trainer.job-events", event -> {
            if (event.is(EventTypes.JOB_STATUS)) {
                jobs.onStatus(event.dataAs(EventTypes.JOB_STATUS));
            }
        });
    }
}
