package io.perennial.support.kafka;

import io.perennial.contracts.Timestamps;
import io.perennial.contracts.cloudevents.CloudEventAttributes;
import io.perennial.contracts.events.Event;
import io.perennial.contracts.events.EventCodec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

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

    /** Headers for many events of one source, type and subject; see {@link HeaderTemplate}. */
    public static HeaderTemplate template(URI source, String type, String subject) {
        return new HeaderTemplate(source, type, subject);
    }

    /**
     * The CloudEvents headers of many events that share source, type and subject (the samples of a stream): the
     * constant headers are encoded once and shared by every record; only id and time are encoded per event. The
     * result equals {@link #headers(CloudEventAttributes)} of the same attributes.
     */
    public static final class HeaderTemplate {
        private final Header specVersion = header(CloudEventAttributes.HEADER_SPEC_VERSION,
                CloudEventAttributes.SPEC_VERSION);
        private final Header contentType = header(CloudEventAttributes.HEADER_CONTENT_TYPE,
                CloudEventAttributes.CONTENT_TYPE);
        private final Header source;
        private final Header type;
        private final Header subject;

        private HeaderTemplate(URI source, String type, String subject) {
            this.source = header(CloudEventAttributes.HEADER_SOURCE, source.toString());
            this.type = header(CloudEventAttributes.HEADER_TYPE, type);
            this.subject = subject == null ? null : header(CloudEventAttributes.HEADER_SUBJECT, subject);
        }

        /** The headers of one event, in the order of {@link CloudEventAttributes#toHeaders()}. */
        public Headers headers(String id, Instant time) {
            Header idHeader = header(CloudEventAttributes.HEADER_ID, id);
            Header timeHeader = header(CloudEventAttributes.HEADER_TIME, Timestamps.format(time));
            return new RecordHeaders(subject == null
                    ? new Header[] {specVersion, idHeader, source, type, timeHeader, contentType}
                    : new Header[] {specVersion, idHeader, source, type, timeHeader, subject, contentType});
        }

        private static Header header(String name, String value) {
            return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
        }
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
