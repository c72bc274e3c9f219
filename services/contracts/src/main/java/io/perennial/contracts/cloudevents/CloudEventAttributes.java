package io.perennial.contracts.cloudevents;

import io.perennial.contracts.Timestamps;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;

/**
 * The context attributes of a CloudEvent in the
 * <a href="https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/kafka-protocol-binding.md">Kafka
 * protocol binding, binary content mode</a>: each attribute is a header named {@code ce_<attribute>}, the record value
 * is the event data and {@code content-type} gives its media type.
 *
 * @param id unique per source; consumers deduplicate on it
 * @param source the producing service, e.g. {@code /perennial/ingest-service}
 * @param type reverse-DNS event type, e.g. {@code io.perennial.stream.created}
 * @param time when the fact happened
 * @param subject what the event is about (stream, job id, model), optional
 */
public record CloudEventAttributes(String id, URI source, String type, Instant time, String subject) {

    /** CloudEvents spec version written by Perennial. */
    public static final String SPEC_VERSION = "1.0";

    /** Media type of the event data. */
    public static final String CONTENT_TYPE = "application/json";

    public static final String HEADER_ID = "ce_id";
    public static final String HEADER_SOURCE = "ce_source";
    public static final String HEADER_TYPE = "ce_type";
    public static final String HEADER_TIME = "ce_time";
    public static final String HEADER_SPEC_VERSION = "ce_specversion";
    public static final String HEADER_SUBJECT = "ce_subject";
    public static final String HEADER_CONTENT_TYPE = "content-type";

    public CloudEventAttributes {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(time, "time");
    }

    /** New attributes with a random id and the current time. */
    public static CloudEventAttributes of(String source, String type, String subject) {
        return new CloudEventAttributes(UUID.randomUUID().toString(), URI.create(source), type, Instant.now(), subject);
    }

    /** The attributes as Kafka header names and values, in a stable order. */
    public Map<String, String> toHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(HEADER_SPEC_VERSION, SPEC_VERSION);
        headers.put(HEADER_ID, id);
        headers.put(HEADER_SOURCE, source.toString());
        headers.put(HEADER_TYPE, type);
        headers.put(HEADER_TIME, Timestamps.format(time));
        if (subject != null) {
            headers.put(HEADER_SUBJECT, subject);
        }
        headers.put(HEADER_CONTENT_TYPE, CONTENT_TYPE);
        return headers;
    }

    /**
     * Reads attributes back from headers.
     *
     * @param header returns the last value of a header, or {@code null}
     * @throws InvalidCloudEventException when a required attribute is missing or malformed
     */
    public static CloudEventAttributes fromHeaders(Function<String, String> header) {
        String version = header.apply(HEADER_SPEC_VERSION);
        if (!SPEC_VERSION.equals(version)) {
            throw new InvalidCloudEventException("unsupported or missing " + HEADER_SPEC_VERSION + ": " + version);
        }
        try {
            return new CloudEventAttributes(required(header, HEADER_ID), URI.create(required(header, HEADER_SOURCE)),
                    required(header, HEADER_TYPE), Instant.parse(required(header, HEADER_TIME)),
                    header.apply(HEADER_SUBJECT));
        } catch (IllegalArgumentException | java.time.format.DateTimeParseException ex) {
            throw new InvalidCloudEventException("malformed CloudEvents header: " + ex.getMessage());
        }
    }

    private static String required(Function<String, String> header, String name) {
        String value = header.apply(name);
        if (value == null || value.isBlank()) {
            throw new InvalidCloudEventException("missing header " + name);
        }
        return value;
    }
}
