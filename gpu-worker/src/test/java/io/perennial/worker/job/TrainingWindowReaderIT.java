package io.perennial.worker.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.perennial.contracts.Topics;
import io.perennial.contracts.cloudevents.CloudEventAttributes;
import io.perennial.contracts.events.EventCodec;
import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.SampleEvents.LabelAssigned;
import io.perennial.contracts.events.SampleEvents.Sample;
import io.perennial.contracts.events.StreamSpec;
import io.perennial.embedded.KraftBroker;
import io.perennial.support.kafka.KafkaEvents;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job reads exactly its offset window from a real broker, joins labels sent later, and refuses a window that
 * retention deleted.
 */
class TrainingWindowReaderIT {

    private static final StreamSpec STREAM = new StreamSpec("win", List.of(2), List.of("a", "b", "c"), false, 2,
            3_600_000, Map.of(), Map.of());
    private static final EventCodec CODEC = new EventCodec();

    @TempDir
    static Path dir;

    static KraftBroker broker;
    static TrainingWindowReader reader;

    @BeforeAll
    static void writeSamples() throws Exception {
        broker = KraftBroker.onFreePorts(dir.resolve("kafka")).start();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(Topics.LABELS, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        writeStream("win");
        writeStream("aged");
        writeStream("late");
        reader = new TrainingWindowReader(() -> new KafkaConsumer<>(Map.of("bootstrap.servers",
                broker.bootstrapServers(), "isolation.level", "read_committed", "enable.auto.commit", false),
                new StringDeserializer(), new ByteArrayDeserializer()), CODEC, Duration.ofSeconds(30));
    }

    private static void writeStream(String name) throws Exception {
        String topic = Topics.samples(name);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                broker.bootstrapServers(), "acks", "all"), new StringSerializer(), new ByteArraySerializer())) {
            for (int partition = 0; partition < 2; partition++) {
                for (int i = 0; i < 10; i++) {
                    String label = i == 3 ? null : (i == 4 ? "zebra" : List.of("a", "b", "c").get(i % 3));
                    float[] features = i == 5 ? new float[] {1, 2, 3} : new float[] {partition, i};
                    String id = "p" + partition + "-" + i;
                    producer.send(new ProducerRecord<>(topic, partition, id, CODEC.encode(new Sample(id, features,
                            label, Instant.now(), Map.of())))).get();
                }
            }
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void readsExactlyTheWindowAndOnlyLabelledValidSamples() {
        TrainingWindow window = reader.read(STREAM, Map.of(0, 2L, 1, 0L), Map.of(0, 8L, 1, 2L));
        // partition 0 offsets 2..7: 3 unlabelled, 4 unknown label, 5 wrong size; partition 1 offsets 0..1
        assertThat(window.sampleIds()).containsExactly("p0-2", "p0-6", "p0-7", "p1-0", "p1-1");
        assertThat(window.unlabelled()).isEqualTo(1);
        assertThat(window.invalid()).isEqualTo(2);
        assertThat(window.data().size()).isEqualTo(5);
    }

    @Test
    void anAssessmentReadsTheUnlabelledSamplesTooAndKnowsWhichTheyAre() {
        TrainingWindow window = reader.readAll(STREAM, Map.of(0, 2L, 1, 0L), Map.of(0, 8L, 1, 2L));
        assertThat(window.sampleIds()).containsExactly("p0-2", "p0-3", "p0-6", "p0-7", "p1-0", "p1-1");
        assertThat(window.labelled()).containsExactly(true, false, true, true, true, true);
        assertThat(window.fullyLabelled()).isFalse();
        assertThat(window.unlabelled()).isEqualTo(1);
        assertThat(window.invalid()).isEqualTo(2);
        assertThatThrownBy(() -> window.split(5)).isInstanceOf(IllegalStateException.class);
        assertThat(reader.readAll(STREAM, Map.of(0, 3L), Map.of(0, 4L)).sampleIds()).containsExactly("p0-3");
        assertThat(reader.read(STREAM, Map.of(0, 2L, 1, 0L), Map.of(0, 8L, 1, 2L)).fullyLabelled()).isTrue();
    }

    @Test
    void labelsSentAfterTheirSamplesJoinTheWindow() throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                broker.bootstrapServers(), "acks", "all"), new StringSerializer(), new ByteArraySerializer())) {
            label(producer, "late", "p0-3", "a");
            label(producer, "late", "p0-3", "b"); // a correction: the newest label wins
            label(producer, "late", "p1-3", "zebra"); // not a class of the stream
            label(producer, "other", "p1-2", "c"); // the same id in another stream
        }
        StreamSpec late = new StreamSpec("late", STREAM.inputShape(), STREAM.labels(), false, 2, 3_600_000, Map.of(),
                Map.of());
        TrainingWindow window = reader.read(late, Map.of(0, 2L, 1, 2L), Map.of(0, 8L, 1, 4L));
        assertThat(window.sampleIds()).containsExactly("p0-2", "p0-3", "p0-6", "p0-7", "p1-2");
        assertThat(window.data().labels()[1]).isEqualTo(1); // "b"
        assertThat(window.lateLabelled()).isEqualTo(1);
        assertThat(window.unlabelled()).isZero();
        assertThat(window.invalid()).isEqualTo(3); // p0-4 unknown label, p0-5 wrong size, p1-3 unknown late label
    }

    private static void label(KafkaProducer<String, byte[]> producer, String stream, String sampleId, String label)
            throws Exception {
        CloudEventAttributes ce = new CloudEventAttributes(UUID.randomUUID().toString(), URI.create("/perennial/test"),
                EventTypes.LABEL_ASSIGNED.type(), Instant.now(), sampleId);
        producer.send(new ProducerRecord<>(Topics.LABELS, null, sampleId, CODEC.encode(new LabelAssigned(stream,
                sampleId, label, Instant.now())), KafkaEvents.headers(ce))).get();
    }

    @Test
    void anEmptyPartitionRangeIsSkippedAndAnEmptyWindowIsRefused() {
        assertThat(reader.read(STREAM, Map.of(0, 0L, 1, 4L), Map.of(0, 1L, 1, 4L)).sampleIds()).containsExactly("p0-0");
        assertThatThrownBy(() -> reader.read(STREAM, Map.of(0, 3L), Map.of(0, 4L)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no labelled samples");
    }

    @Test
    void aWindowBeyondTheEndOrAgedOutIsRefusedWithTheReason() throws Exception {
        assertThatThrownBy(() -> reader.read(STREAM, Map.of(0, 0L), Map.of(0, 50L)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ends at 10");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.deleteRecords(Map.of(new TopicPartition(Topics.samples("aged"), 1), RecordsToDelete.beforeOffset(5)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        StreamSpec aged = new StreamSpec("aged", STREAM.inputShape(), STREAM.labels(), false, 2, 3_600_000, Map.of(),
                Map.of());
        assertThat(reader.read(aged, Map.of(1, 5L), Map.of(1, 8L)).sampleIds()).containsExactly("p1-6", "p1-7");
        assertThatThrownBy(() -> reader.read(aged, Map.of(1, 2L), Map.of(1, 8L)))
                .isInstanceOf(DataAgedOutException.class).hasMessageContaining("aged out of retention")
                .hasMessageContaining("starts at offset 5");
    }
}
