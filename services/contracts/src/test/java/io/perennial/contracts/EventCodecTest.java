package io.perennial.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.perennial.contracts.cloudevents.CloudEventAttributes;
import io.perennial.contracts.cloudevents.InvalidCloudEventException;
import io.perennial.contracts.events.DriftEvents.DriftDetected;
import io.perennial.contracts.events.DriftEvents.Severity;
import io.perennial.contracts.events.Event;
import io.perennial.contracts.events.EventCodec;
import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.JobEvents.JobKind;
import io.perennial.contracts.events.JobEvents.JobRequested;
import io.perennial.contracts.events.StreamEvents.StreamCreated;
import io.perennial.contracts.events.StreamSpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    private final EventCodec codec = new EventCodec();

    @Test
    void streamCreatedRoundTripsThroughHeadersAndJson() {
        StreamSpec spec = new StreamSpec("digits", List.of(1, 8, 8), List.of("0", "1"), true, 3, 86_400_000L,
                Map.of("family", "mlp"), Map.of("maxAdapters", 4));
        CloudEventAttributes attributes = CloudEventAttributes.of("/perennial/ingest-service",
                EventTypes.STREAM_CREATED.type(), "digits");

        Map<String, String> headers = attributes.toHeaders();
        byte[] json = codec.encode(new StreamCreated(spec));
        Event<?> decoded = codec.decode(CloudEventAttributes.fromHeaders(headers::get), json);

        assertThat(decoded.attributes()).isEqualTo(attributes);
        assertThat(decoded.dataAs(EventTypes.STREAM_CREATED).stream()).isEqualTo(spec);
        assertThat(decoded.dataAs(EventTypes.STREAM_CREATED).stream().featureCount()).isEqualTo(64);
        assertThat(headers).containsEntry("ce_specversion", "1.0").containsEntry("content-type", "application/json");
    }

    @Test
    void offsetMapsAndInstantsSurviveJson() {
        Instant at = Instant.parse("2026-11-22T10:00:00.123Z");
        DriftDetected drift = new DriftDetected("s", "ks", "feature", 0.42, 1e-9, 0.1, Severity.HIGH,
                Map.of(0, 120L, 1, 97L), at);
        DriftDetected back = codec.decode(EventTypes.DRIFT_DETECTED, codec.encode(drift));
        assertThat(back).isEqualTo(drift);
        assertThat(new String(codec.encode(drift), StandardCharsets.UTF_8)).contains("\"2026-11-22T10:00:00.123Z\"");

        JobRequested job = new JobRequested("j1", JobKind.TRAIN_ADAPTER, "s", 1, Map.of(0, 5L), Map.of(0, 50L),
                Map.of("rank", 8), at);
        assertThat(codec.decode(EventTypes.JOB_REQUESTED, codec.encode(job))).isEqualTo(job);
    }

    @Test
    void unknownFieldsAreIgnoredForForwardCompatibility() {
        byte[] json = "{\"stream\":\"s\",\"detector\":\"ks\",\"kind\":\"feature\",\"statistic\":1,\"threshold\":0.5,\"addedLater\":true}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(codec.decode(EventTypes.DRIFT_DETECTED, json).detector()).isEqualTo("ks");
    }

    @Test
    void unknownTypeMissingHeadersAndBadJsonAreRejected() {
        CloudEventAttributes unknown = CloudEventAttributes.of("/x", "io.perennial.nope", null);
        assertThatThrownBy(() -> codec.decode(unknown, "{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidCloudEventException.class).hasMessageContaining("unknown event type");
        assertThatThrownBy(() -> CloudEventAttributes.fromHeaders(Map.of("ce_specversion", "1.0")::get))
                .isInstanceOf(InvalidCloudEventException.class).hasMessageContaining("ce_id");
        assertThatThrownBy(() -> CloudEventAttributes.fromHeaders(Map.<String, String>of()::get))
                .isInstanceOf(InvalidCloudEventException.class).hasMessageContaining("ce_specversion");
        assertThatThrownBy(() -> codec.decode(EventTypes.STREAM_CREATED, "{not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidCloudEventException.class).hasMessageContaining("cannot decode");
    }

    @Test
    void everyEventTypeIsUniqueAndTravelsOnAPlatformTopic() {
        assertThat(EventTypes.ALL).extracting(t -> t.type()).doesNotHaveDuplicates();
        assertThat(EventTypes.ALL).allSatisfy(t -> assertThat(Topics.PLATFORM_TOPICS).contains(t.topic()));
    }

    @Test
    void samplesRoundTripWithTheirFeatures() {
        io.perennial.contracts.events.SampleEvents.Sample sample = new io.perennial.contracts.events.SampleEvents.Sample(
                "s-1", new float[] {0.5f, -1.25f, 3e-7f}, "cat", Instant.parse("2026-11-22T10:00:00Z"), Map.of("k", "v"));
        assertThat(codec.read(codec.encode(sample), io.perennial.contracts.events.SampleEvents.Sample.class))
                .isEqualTo(sample);
        assertThatThrownBy(() -> codec.read("{\"id\":1,\"features\":\"x\"}".getBytes(StandardCharsets.UTF_8),
                io.perennial.contracts.events.SampleEvents.Sample.class)).isInstanceOf(InvalidCloudEventException.class);
    }
}
