package io.perennial.drift.stream;

import io.perennial.contracts.Topics;
import io.perennial.contracts.events.EventTypes;
import io.perennial.support.outbox.EventInbox;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Keeps the monitored-stream catalogue in step with stream lifecycle events. */
@Component
public class StreamCatalogListener {

    private final EventInbox inbox;
    private final MonitoredStreamRepository streams;

    public StreamCatalogListener(EventInbox inbox, MonitoredStreamRepository streams) {
        this.inbox = inbox;
        this.streams = streams;
    }

    @KafkaListener(id = "drift-stream-catalog", topics = Topics.STREAMS)
    public void on(ConsumerRecord<String, byte[]> record) {
        inbox.process(record, "drift.stream-catalog", event -> {
            if (event.is(EventTypes.STREAM_CREATED)) {
                streams.upsert(event.dataAs(EventTypes.STREAM_CREATED).stream());
            } else if (event.is(EventTypes.STREAM_UPDATED)) {
                streams.upsert(event.dataAs(EventTypes.STREAM_UPDATED).stream());
            } else if (event.is(EventTypes.STREAM_DELETED)) {
                streams.markDeleted(event.dataAs(EventTypes.STREAM_DELETED).stream());
            }
        });
    }
}
