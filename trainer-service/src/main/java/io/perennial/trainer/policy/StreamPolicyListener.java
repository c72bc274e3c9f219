package io.perennial.trainer.policy;

import io.perennial.contracts.Topics;
import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.StreamSpec;
import io.perennial.support.kafka.NonRetryableException;
import io.perennial.support.outbox.EventInbox;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Seeds each new stream's policy from its definition (defaults plus the stream's overrides). */
@Component
public class StreamPolicyListener {

    private final EventInbox inbox;
    private final PolicyRepository policies;

    public StreamPolicyListener(EventInbox inbox, PolicyRepository policies) {
        this.inbox = inbox;
        this.policies = policies;
    }

    @KafkaListener(id = "trainer-stream-policies", topics = Topics.STREAMS)
    public void on(ConsumerRecord<String, byte[]> record) {
        inbox.process(record, "trainer.stream-policies", event -> {
            StreamSpec spec;
            if (event.is(EventTypes.STREAM_CREATED)) {
                spec = event.dataAs(EventTypes.STREAM_CREATED).stream();
            } else if (event.is(EventTypes.STREAM_UPDATED)) {
                spec = event.dataAs(EventTypes.STREAM_UPDATED).stream();
            } else {
                return;
            }
            try {
                policies.saveStream(spec, AdaptationPolicy.withOverrides(spec.policy()));
            } catch (IllegalArgumentException ex) {
                throw new NonRetryableException("stream " + spec.name() + " has an invalid policy: "
                        + ex.getMessage(), ex);
            }
        });
    }
}
