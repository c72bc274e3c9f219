package io.perennial.worker.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.perennial.contracts.Topics;
import io.perennial.contracts.events.EventCodec;
import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.JobEvents.JobKind;
import io.perennial.contracts.events.JobEvents.JobRequested;
import io.perennial.contracts.events.JobEvents.JobStatus;
import io.perennial.contracts.events.JobEvents.Phase;
import io.perennial.contracts.events.SampleEvents.Sample;
import io.perennial.embedded.KraftBroker;
import io.perennial.learning.ContinualLearner;
import io.perennial.learning.data.LabeledData;
import io.perennial.support.kafka.EventPublisher;
import io.perennial.support.kafka.KafkaEvents;
import io.perennial.support.service.ServiceProperties;
import io.perennial.worker.WorkerProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The ASSESS path on a real broker, short of the registry: the job's whole window is read from the samples topic
 * (late and missing labels as for training), assessed against a real model's regimes, and the succeeded report that
 * trainer-service decides on carries the assessment as its {@code result} and no version.
 */
class AssessJobIT {

    private static final EventCodec CODEC = new EventCodec();

    @TempDir
    static Path dir;

    static KraftBroker broker;
    static ContinualLearner learner;

    @BeforeAll
    static void start() throws Exception {
        broker = KraftBroker.onFreePorts(dir.resolve("kafka")).start();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(Topics.samples("s"), 1, (short) 1),
                    new NewTopic(Topics.LABELS, 1, (short) 1), new NewTopic(Topics.JOB_EVENTS, 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        learner = JobHandlersTest.trainTwoRegimes();
    }

    @AfterAll
    static void stop() {
        if (learner != null) {
            learner.close();
        }
        broker.close();
    }

    /** Writes the samples of the second regime; every tenth without a label (no label follows: left out). */
    private static void writeWindow(LabeledData data) throws Exception {
        List<String> labels = JobParametersTest.STREAM.labels();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                broker.bootstrapServers(), "acks", "all"), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < data.size(); i++) {
                float[] features = data.row(i);
                String label = i % 10 == 9 ? null : labels.get(data.labels()[i]);
                producer.send(new ProducerRecord<>(Topics.samples("s"), 0, "id-" + i, CODEC.encode(new Sample(
                        "id-" + i, features, label, Instant.now(), Map.of())))).get();
            }
        }
    }

    @Test
    void theSucceededReportCarriesTheAssessmentOfTheWholeWindowAndNoVersion() throws Exception {
        writeWindow(JobHandlersTest.regime(true, 200, JobHandlersTest.BALANCED, 41));
        TrainingWindowReader reader = new TrainingWindowReader(() -> new KafkaConsumer<>(Map.of("bootstrap.servers",
                broker.bootstrapServers(), "isolation.level", "read_committed", "enable.auto.commit", false),
                new StringDeserializer(), new ByteArrayDeserializer()), CODEC, Duration.ofSeconds(30));
        ServiceProperties service = new ServiceProperties();
        service.setName("gpu-worker");
        KafkaTemplate<String, byte[]> template = new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(Map.of(
                "bootstrap.servers", broker.bootstrapServers()), new StringSerializer(), new ByteArraySerializer()));
        WorkerProperties properties = new WorkerProperties();
        properties.setWorkerId("worker-it");
        JobReporter reporter = new JobReporter(new EventPublisher(template, new KafkaEvents(CODEC), service),
                properties);
        JobRequested job = new JobRequested("assess-1", JobKind.ASSESS, "s", 1, Map.of(0, 0L), Map.of(0, 200L),
                JobParametersTest.job(JobKind.ASSESS, Map.of()).parameters(), Instant.now());
        JobRun run = new JobRun(job, JobParameters.of(job), () -> false, null, reader, null, null, reporter);

        TrainingWindow window = run.wholeWindow();
        // every valid sample, probes and unlabelled ones included; only the labelled ones carry their class
        assertThat(window.data().size()).isEqualTo(200);
        assertThat(window.unlabelled()).isEqualTo(20);
        assertThat(window.labelled()[9]).isFalse();
        assertThat(window.labelled()[10]).isTrue();
        assertThat(run.window().data().size()).isEqualTo(180); // what a training job reads of the same window
        var assessment = AssessHandler.assess(learner, window);
        reporter.succeeded(job, JobOutcome.found(assessment.toMap(), "assessed"));
        template.destroy();

        JobStatus status = readStatus("assess-1");
        assertThat(status.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(status.version()).isNull();
        assertThat(status.worker()).isEqualTo("worker-it");
        assertThat(status.result()).containsEntry("samples", 200).containsEntry("labelled", 180)
                .containsEntry("nearest", "seg-1");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> regimes = (List<Map<String, Object>>) status.result().get("regimes");
        assertThat(regimes).extracting(r -> r.get("regime")).containsExactlyInAnyOrder("base", "seg-1");
        assertThat(regimes).allSatisfy(r -> assertThat(r).containsKeys("archived", "routedShare", "pValue"));
    }

    private static JobStatus readStatus(String jobId) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                broker.bootstrapServers(), "enable.auto.commit", false), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(Topics.JOB_EVENTS, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            KafkaEvents events = new KafkaEvents(CODEC);
            List<JobStatus> found = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (found.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    JobStatus status = events.decode(record).dataAs(EventTypes.JOB_STATUS);
                    if (status.jobId().equals(jobId)) {
                        found.add(status);
                    }
                }
            }
            assertThat(found).as("the job's report on " + Topics.JOB_EVENTS).hasSize(1);
            return found.get(0);
        }
    }
}
