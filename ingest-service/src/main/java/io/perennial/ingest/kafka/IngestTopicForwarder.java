package io.perennial.ingest.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.perennial.contracts.Topics;
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
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
    private final URI source;
    private final Map<String, Counter> acceptedCounters = new ConcurrentHashMap<>();
    private final DistributionSummary recordsPerTransaction;

    IngestTopicForwarder(StreamCatalog streams, ForwardingKafkaConfiguration.ForwardingKafka kafka, EventCodec codec,
            IngestProperties properties, ServiceProperties service, MeterRegistry meters) {
        this.streams = streams;
        this.kafka = kafka;
        this.codec = codec;
        this.properties = properties;
        this.service = service;
        this.meters = meters;
        this.source = service.eventSource();
        // Each transaction costs the broker several round trips and markers: this shows how many records share one.
        this.recordsPerTransaction = DistributionSummary.builder("perennial.ingest.forwarder.transaction.records")
                .description("Records forwarded per Kafka transaction (one poll)").register(meters);
    }

    /** One transaction per poll: every record of the batch is forwarded, and the offsets commit with the writes. */
    @KafkaListener(id = "ingest-forwarder", topicPattern = "perennial\\.ingest\\..+",
            containerFactory = "ingestForwardingContainerFactory")
    public void forwardAll(List<ConsumerRecord<String, byte[]>> records) {
        recordsPerTransaction.record(records.size());
        // One parser per stream and poll: building one (its label set, shape, buffers) costs more than a record.
        Map<String, StreamForwarder> forwarders = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            String stream = Topics.streamOf(record.topic());
            StreamForwarder forwarder = stream == null ? null : forwarders.computeIfAbsent(stream,
                    s -> streams.find(s).map(spec -> new StreamForwarder(s, spec)).orElse(null));
            if (forwarder == null) {
                deadLetter(record, "stream '" + stream + "' does not exist or was deleted");
            } else {
                forwarder.forward(record);
            }
        }
    }

    /** Forwards the records of one stream within one poll. */
    private final class StreamForwarder implements SampleParser.Sink {
        private final String topic;
        private final KafkaEvents.HeaderTemplate headers;
        private final SampleParser parser;
        private final Counter accepted;
        private ConsumerRecord<String, byte[]> current;

        StreamForwarder(String stream, StreamSpec spec) {
            this.topic = Topics.samples(stream);
            this.headers = KafkaEvents.template(source, SampleEvents.SAMPLE_TYPE, stream);
            this.parser = new SampleParser(mapper, spec, 1, Integer.MAX_VALUE, () -> {
                throw new IllegalStateException("records get ids from their offsets");
            });
            this.accepted = acceptedCounters.computeIfAbsent(stream, s -> meters.counter("perennial.ingest.records",
                    "stream", s, "outcome", "accepted", "path", "kafka"));
        }

        void forward(ConsumerRecord<String, byte[]> record) {
            if (record.value() == null || record.value().length > properties.getMaxRecordSize().toBytes()) {
                deadLetter(record, record.value() == null ? "empty record" : "record larger than "
                        + properties.getMaxRecordSize().toBytes() + " bytes");
                return;
            }
            current = record;
            parser.parseRecord(record.value(), 0, () -> derivedId(record), this);
        }

        @Override
        public void accept(int index, Sample sample) {
            kafka.template().send(new ProducerRecord<>(topic, null, sample.id(), codec.encode(sample),
                    headers.headers(sample.id(), sample.timestamp())));
            accepted.increment();
        }

        @Override
        public void reject(RecordError error) {
            deadLetter(current, (error.field() == null ? "" : error.field() + ": ") + error.reason());
        }
    }

    /** An id derived from the record's position, so that a redelivery can never mint a second id. */
    private static String derivedId(ConsumerRecord<String, byte[]> record) {
        return UUID.nameUUIDFromBytes((record.topic() + "/" + record.partition() + "/" + record.offset())
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    private void deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
        kafka.template().send(new ProducerRecord<>(Topics.DLQ, null, record.key(), record.value(),
                DeadLetters.headers(record.topic(), service.getName(), reason)));
        meters.counter("perennial.ingest.records", "stream", String.valueOf(Topics.streamOf(record.topic())),
                "outcome", "rejected", "path", "kafka").increment();
    }
}
