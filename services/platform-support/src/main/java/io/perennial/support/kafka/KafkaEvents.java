package io.perennial.support.kafka;

import io.perennial.contracts.cloudevents.CloudEventAttributes;
import io.perennial.contracts.events.Event;
import io.perennial.contracts.events.EventCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

/** Reads and writes events framed as CloudEvents in Kafka binary content mode. */
public final class KafkaEvents {

    private final EventCodec codec;

    public KafkaEvents(EventCodec codec) {
        this.codec = codec;
    }

    /** Decodes a consumed record into a typed event; a malformed record raises a non-retryable exception. */
    public Event<?> decode(ConsumerRecord<String, byte[]> record) {
        CloudEventAttributes attributes = CloudEventAttributes.fromHeaders(name -> lastHeader(record.headers(), name));
        return codec.decode(attributes, record.value());
    }

    /** The CloudEvents attributes as Kafka headers. */
    public static List<Header> headers(CloudEventAttributes attributes) {
        List<Header> headers = new ArrayList<>();
        for (Map.Entry<String, String> e : attributes.toHeaders().entrySet()) {
            headers.add(new RecordHeader(e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8)));
        }
        return headers;
    }

    /** The last value of a header as UTF-8, or {@code null}. */
    public static String lastHeader(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    public EventCodec codec() {
        return codec;
    }
}
