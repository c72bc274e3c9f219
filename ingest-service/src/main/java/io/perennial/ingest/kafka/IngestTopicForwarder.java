package io.perennial.ingest.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.perennial.contracts.Topics;
import io.perennial.contracts.cloudevents.CloudEventAttributes;
import io.perennial.contracts.events.EventCodec;
import io.perennial.contracts.events.SampleEvents;
import io.perennial.contracts.events.SampleEvents.Sample;
import io.perennial.contracts.events.StreamSpec;
import io.perennial.ingest.IngestProperties;
import io.perennial.ingest.sample.RecordError;
import io.perennial.ingest.sample.SampleParser;
import io.perennial.ingest.stream.StreamCatalog;
import io.perennial.support.kafka.DeadLetters;
import io.perennial.support.kafka.KafkaEvents;
import io.perennial.support.service.ServiceProperties;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Validates records from {@code perennial.ingest.<stream>} and forwards each to the samples topic or to the
 * dead-letter topic, inside the listener's Kafka transaction: the write and the consumed offset commit together, so
 * every record is forwarded exactly once even across crashes. A record without an id gets one derived from its
 * topic, partition and offset, so a redelivery can never mint a second id.
 */
@Component
public class IngestTopicForwarder {

    private final StreamCatalog streams;
    private final ForwardingKafkaConfiguration.ForwardingKafka kafka;
    private final EventCodec codec;
    private final IngestProperties properties;
    private final ServiceProperties service;
    private final MeterRegistry meters;
    private final JsonMapper mapper = JsonMapper.builder().build();
    private final java.util.Map<String, Counter> accepted = new java.util.concurrent.ConcurrentHashMap<>();

    IngestTopicForwarder(StreamCatalog streams, ForwardingKafkaConfiguration.ForwardingKafka kafka, EventCodec codec,
            IngestProperties properties, ServiceProperties service, MeterRegistry meters) {
        this.streams = streams;
        this.kafka = kafka;
        this.codec = codec;
        this.properties = properties;
        this.service = service;
        this.meters = meters;
    }

    /** One transaction per poll: every record of the batch is forwarded, and the offsets commit with the writes. */
    @KafkaListener(id = "ingest-forwarder", topicPattern = "perennial\\.ingest\\..+",
            containerFactory = "ingestForwardingContainerFactory")
    public void forwardAll(java.util.List<ConsumerRecord<String, byte[]>> records) {
        for (ConsumerRecord<String, byte[]> record : records) {
            forward(record);
        }
    }

    void forward(ConsumerRecord<String, byte[]> record) {
        String stream = Topics.streamOf(record.topic());
        Optional<StreamSpec> spec = stream == null ? Optional.empty() : streams.find(stream);
        if (spec.isEmpty()) {
            deadLetter(record, "stream '" + stream + "' does not exist or was deleted");
            return;
        }
        if (record.value() == null || record.value().length > properties.getMaxRecordSize().toBytes()) {
            deadLetter(record, record.value() == null ? "empty record" : "record larger than "
                    + properties.getMaxRecordSize().toBytes() + " bytes");
            return;
        }
        String derivedId = UUID.nameUUIDFromBytes((record.topic() + "/" + record.partition() + "/" + record.offset())
                .getBytes(StandardCharsets.UTF_8)).toString();
        SampleParser parser = new SampleParser(mapper, spec.get(), 1, Integer.MAX_VALUE, () -> derivedId);
        parser.parseRecord(record.value(), 0, new SampleParser.Sink() {
            @Override
            public void accept(int index, Sample sample) {
                CloudEventAttributes attributes = new CloudEventAttributes(sample.id(), service.eventSource(),
                        SampleEvents.SAMPLE_TYPE, sample.timestamp(), stream);
                kafka.template().send(new ProducerRecord<>(Topics.samples(stream), null, sample.id(),
                        codec.encode(sample), KafkaEvents.headers(attributes)));
                accepted.computeIfAbsent(stream, s -> meters.counter("perennial.ingest.records", "stream", s,
                        "outcome", "accepted", "path", "kafka")).increment();
            }

            @Override
            public void reject(RecordError error) {
                deadLetter(record, (error.field() == null ? "" : error.field() + ": ") + error.reason());
            }
        });
    }

    private void deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
        kafka.template().send(new ProducerRecord<>(Topics.DLQ, null, record.key(), record.value(),
                DeadLetters.headers(record.topic(), service.getName(), reason)));
        meters.counter("perennial.ingest.records", "stream", String.valueOf(Topics.streamOf(record.topic())),
                "outcome", "rejected", "path", "kafka").increment();
    }
}
