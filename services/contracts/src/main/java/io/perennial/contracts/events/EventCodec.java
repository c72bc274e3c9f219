package io.perennial.contracts.events;

import io.perennial.contracts.Timestamps;
import io.perennial.contracts.cloudevents.CloudEventAttributes;
import io.perennial.contracts.cloudevents.InvalidCloudEventException;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON encoding of event data. The CloudEvents attributes travel separately, as headers.
 *
 * <p>Readers ignore unknown fields so that older consumers keep working when a newer producer adds one.
 * Instances are thread-safe.
 */
public final class EventCodec {

    private final JsonMapper mapper;

    public EventCodec() {
        // The fast (Schubfach) float writer: samples are mostly floats, and Float.toString is slow on Java 17.
        this(JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build());
    }

    public EventCodec(JsonMapper mapper) {
        this.mapper = mapper;
    }

    /** Encodes event data as UTF-8 JSON. */
    public byte[] encode(Object data) {
        return mapper.writeValueAsBytes(data);
    }

    /**
     * Encodes a sample to the same bytes as {@link #encode(Object)}, with the streaming writer instead of data
     * binding: samples are the platform's hot path (every record ingest forwards), events are not.
     */
    public byte[] encode(SampleEvents.Sample sample) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 12 * sample.features().length);
        try (JsonGenerator g = mapper.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringProperty("id", sample.id());
            g.writeName("features");
            g.writeStartArray(sample.features(), sample.features().length);
            for (float f : sample.features()) {
                g.writeNumber(f);
            }
            g.writeEndArray();
            g.writeStringProperty("label", sample.label());
            if (sample.timestamp() == null) {
                g.writeNullProperty("timestamp");
            } else {
                g.writeStringProperty("timestamp", Timestamps.format(sample.timestamp()));
            }
            g.writeName("attributes");
            if (sample.attributes() == null) {
                g.writeNull();
            } else {
                g.writeStartObject();
                for (Map.Entry<String, String> a : sample.attributes().entrySet()) {
                    g.writeStringProperty(a.getKey(), a.getValue());
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /** Decodes data of a known type. */
    public <T> T decode(EventType<T> type, byte[] json) {
        try {
            return mapper.readValue(json, type.dataClass());
        } catch (JacksonException ex) {
            throw new InvalidCloudEventException("cannot decode " + type.type() + ": " + ex.getOriginalMessage(), ex);
        }
    }

    /** Decodes a record that is not in the event catalogue (e.g. a {@link SampleEvents.Sample}). */
    public <T> T read(byte[] json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JacksonException ex) {
            throw new InvalidCloudEventException("cannot decode " + type.getSimpleName() + ": "
                    + ex.getOriginalMessage(), ex);
        }
    }

    /**
     * Decodes an event whose type is given by its CloudEvents attributes.
     *
     * @throws InvalidCloudEventException for an unknown type or data that does not match it
     */
    public Event<?> decode(CloudEventAttributes attributes, byte[] json) {
        EventType<?> type = EventTypes.byType(attributes.type())
                .orElseThrow(() -> new InvalidCloudEventException("unknown event type " + attributes.type()));
        return decodeAs(attributes, type, json);
    }

    private <T> Event<T> decodeAs(CloudEventAttributes attributes, EventType<T> type, byte[] json) {
        if (json == null) {
            throw new InvalidCloudEventException("event " + attributes.id() + " has no data");
        }
        return new Event<>(attributes, type, decode(type, json));
    }
}
