package io.perennial.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.perennial.client.PerennialClient;
import io.perennial.client.SampleInput;
import io.perennial.contracts.Topics;
import io.perennial.learning.data.LabeledData;
import io.perennial.learning.data.UciDigits;
import io.perennial.local.demo.PlatformApi;
import io.perennial.support.kafka.DeadLetters;
import io.perennial.testing.TestTopics;
import io.perennial.worker.job.JobConsumer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The loop's faults, on the all-in-one stack: a worker dying mid-job, the registry down while a job registers, a
 * window that aged out of retention, messages on {@code perennial.jobs} that are not jobs, and jobs an operator
 * cancels while they run or before a worker took them.
 */
class LoopFaultsIT {

    private static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    @TempDir
    static Path home;

    static Stack stack;
    static StackConfig config;
    static PlatformApi api;

    @BeforeAll
    static void start() {
        config = StackConfig.fromEnvironment(AllInOneStackIT.freePorts(home));
        stack = new Stack(config);
        Stack.Started started = stack.start();
        api = new PlatformApi(config::baseUrl, started.serviceToken());
        stream("crash");
        stream("outage");
        stream("aged");
        stream("cancel");
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    /** A digits stream whose jobs are submitted by hand (the base window is never reached), 600 samples. */
    private static void stream(String name) {
        api.post("ingest-service", "/v1/streams", Map.of("name", name,
                "inputShape", List.of(64), "labels", DIGITS, "labelRequired", true, "partitions", 1, "policy",
                Map.of("baseWindow", 1_000_000, "autoPromote", false))).require("create " + name);
        await().atMost(Duration.ofSeconds(60)).until(() -> api.get("trainer-service", "/v1/policies/" + name).ok()
                && api.get("registry-service", "/v1/models/" + name).ok());
        LabeledData digits = UciDigits.load().range(0, 600);
        List<SampleInput> samples = new ArrayList<>();
        for (int i = 0; i < digits.size(); i++) {
            samples.add(new SampleInput(null, digits.row(i), DIGITS.get(digits.labels()[i]), null, Map.of()));
        }
        PerennialClient client = PerennialClient.builder(URI.create(config.baseUrl("ingest-service")))
                .apiKey(Secrets.loadOrCreate(config.secretsDir(), "service-token", 40)).build();
        assertThat(client.send(name, samples).accepted()).isEqualTo(600);
    }

    private static String submitBase(String stream, Map<String, Object> parameters) {
        JsonNode job = api.post("trainer-service", "/v1/jobs", Map.of("stream", stream, "kind", "TRAIN_BASE",
                "fromOffsets", Map.of("0", 0), "toOffsets", Map.of("0", 600), "parameters", parameters))
                .require("submit").body();
        return job.path("id").asString();
    }

    private static JsonNode job(String id) {
        return api.get("trainer-service", "/v1/jobs/" + id).require("job").body();
    }

    private static int versionsOf(String stream, String jobId) {
        return api.get("registry-service", "/v1/models/" + stream + "/versions?jobId=" + jobId).require("versions")
                .body().path("total").asInt();
    }

    @Test
    void aJobOfAWorkerThatDiedIsRedeliveredAndRegistersExactlyOneVersion() {
        String id = submitBase("crash", Map.of("epochs", 400, "validationFraction", 0));
        await().atMost(Duration.ofSeconds(60)).until(() -> job(id).path("step").asLong() > 20);
        JobConsumer worker = stack.service("gpu-worker").getBean(JobConsumer.class);
        worker.stop(); // the worker dies: no report, no commit
        assertThat(job(id).path("state").asString()).isEqualTo("RUNNING");
        assertThat(versionsOf("crash", id)).isZero();
        worker.start(); // another worker joins the group and receives the same job
        await().atMost(Duration.ofSeconds(180)).until(() -> job(id).path("state").asString().equals("SUCCEEDED"));
        assertThat(versionsOf("crash", id)).isEqualTo(1);
        assertThat(job(id).path("attempt").asInt()).isEqualTo(1);
    }

    @Test
    void aRegistryOutageDuringRegistrationDelaysTheJobWithoutFailingIt() throws Exception {
        ConfigurableApplicationContext registry = stack.service("registry-service");
        String id = submitBase("outage", Map.of("epochs", 150, "validationFraction", 0));
        await().atMost(Duration.ofSeconds(60)).until(() -> job(id).path("step").asLong() > 0);
        registry.stop(); // the registry's web server goes away while the worker trains
        try {
            Thread.sleep(15_000);
            JsonNode during = job(id);
            assertThat(during.path("state").asString()).as("not done before the version exists")
                    .isIn("RUNNING", "EVALUATING");
        } finally {
            registry.start();
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> job(id).path("state").asString().equals("SUCCEEDED"));
        assertThat(versionsOf("outage", id)).isEqualTo(1);
        assertThat(job(id).path("version").asInt()).isEqualTo(api.get("registry-service",
                "/v1/models/outage/versions?jobId=" + id).body().path("items").get(0).path("version").asInt());
    }

    @Test
    void aWindowThatAgedOutFailsTheJobWithTheReasonAndNoRetry() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka()))) {
            admin.deleteRecords(Map.of(new TopicPartition(Topics.samples("aged"), 0), RecordsToDelete.beforeOffset(100)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        String id = submitBase("aged", Map.of("epochs", 2));
        await().atMost(Duration.ofSeconds(60)).until(() -> job(id).path("state").asString().equals("FAILED"));
        JsonNode failed = job(id);
        assertThat(failed.path("message").asString()).contains("aged out of retention");
        assertThat(failed.path("attempt").asInt()).isEqualTo(1);
        assertThat(versionsOf("aged", id)).isZero();
    }

    @Test
    void cancelledJobsStopOnTheWorkerAndRegisterNothing() throws Exception {
        String running = submitBase("cancel", Map.of("epochs", 10_000, "validationFraction", 0));
        await().atMost(Duration.ofSeconds(60)).until(() -> job(running).path("step").asLong() > 20);
        api.post("trainer-service", "/v1/jobs/" + running + "/cancel", Map.of()).require("cancel running");
        // The worker commits a job's message only once it is done with it; 10,000 epochs would take minutes, so a
        // commit within 45 s means the training stopped.
        awaitWorkerDoneWith(running, Duration.ofSeconds(45));

        JobConsumer worker = stack.service("gpu-worker").getBean(JobConsumer.class);
        worker.stop(); // the next job waits in the topic until it is cancelled
        String queued;
        try {
            queued = submitBase("cancel", Map.of("epochs", 2));
            api.post("trainer-service", "/v1/jobs/" + queued + "/cancel", Map.of()).require("cancel queued");
        } finally {
            worker.start();
        }
        awaitWorkerDoneWith(queued, Duration.ofSeconds(60));

        for (String id : List.of(running, queued)) {
            assertThat(job(id).path("state").asString()).isEqualTo("CANCELLED");
            assertThat(versionsOf("cancel", id)).as("versions of cancelled job %s", id).isZero();
        }
        assertThat(job(queued).path("step").asLong()).as("the queued job never started").isZero();
    }

    /** Waits until the workers' group committed past the job's message on {@code perennial.jobs}. */
    private static void awaitWorkerDoneWith(String jobId, Duration timeout) throws Exception {
        ConsumerRecord<String, byte[]> message = await().atMost(Duration.ofSeconds(30)).until(
                () -> TestTopics.read(kafka(), Topics.JOBS, 1).stream().filter(r -> jobId.equals(r.key()))
                        .findFirst().orElse(null), java.util.Objects::nonNull);
        TopicPartition partition = new TopicPartition(message.topic(), message.partition());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka()))) {
            await().atMost(timeout).until(() -> {
                var committed = admin.listConsumerGroupOffsets(JobConsumer.GROUP).partitionsToOffsetAndMetadata()
                        .get(30, TimeUnit.SECONDS).get(partition);
                return committed != null && committed.offset() > message.offset();
            });
        }
    }

    @Test
    void messagesThatAreNotJobsGoToTheDeadLetterTopic() throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.JOBS, "garbage-job",
                    "{not a job".getBytes(StandardCharsets.UTF_8))).get();
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<ConsumerRecord<String, byte[]>> dead = TestTopics.read(kafka(), Topics.DLQ, 1).stream()
                    .filter(r -> "garbage-job".equals(r.key())).toList();
            assertThat(dead).hasSize(1);
            assertThat(new String(dead.get(0).headers().lastHeader(DeadLetters.SERVICE_HEADER).value(),
                    StandardCharsets.UTF_8)).isEqualTo("gpu-worker");
            assertThat(dead.get(0).headers().lastHeader(DeadLetters.REASON_HEADER)).isNotNull();
        });
    }

    private static String kafka() {
        return "127.0.0.1:" + config.kafkaPort();
    }
}
