package io.perennial.trainer;

import static io.perennial.testing.TestHttp.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.perennial.contracts.Topics;
import io.perennial.contracts.cloudevents.CloudEventAttributes;
import io.perennial.contracts.events.EventCodec;
import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.JobEvents.JobRequested;
import io.perennial.contracts.events.JobEvents.JobStatus;
import io.perennial.contracts.events.JobEvents.Phase;
import io.perennial.contracts.events.StreamEvents.StreamCreated;
import io.perennial.contracts.events.StreamSpec;
import io.perennial.support.kafka.KafkaEvents;
import io.perennial.support.security.ApiKeyService;
import io.perennial.support.security.Role;
import io.perennial.testing.PerennialIntegrationTest;
import io.perennial.testing.TestHttp;
import io.perennial.testing.TestInfrastructure;
import io.perennial.testing.TestTopics;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The job state machine against a real broker, with a simulated worker publishing job events. */
@PerennialIntegrationTest(properties = {"spring.config.name=trainer-service",
        "perennial.security.bootstrap-admin-password=trainer-admin-password",
        "perennial.trainer.heartbeat-timeout=5s", "perennial.trainer.sweep-interval=300ms",
        "perennial.trainer.max-attempts=2"})
class JobLifecycleIT {

    private static final String ADMIN = TestHttp.basic("admin", "trainer-admin-password");
    private static final String WINDOW = "\"fromOffsets\":{\"0\":10,\"1\":5},\"toOffsets\":{\"0\":110,\"1\":95}";

    @LocalServerPort
    int port;

    @Autowired
    EventCodec codec;

    @Autowired
    KafkaEvents events;

    @Autowired
    ApiKeyService apiKeys;

    @Test
    void aJobMovesThroughItsStatesFromWorkerReportsOnce(TestInfrastructure infra) {
        TestHttp http = new TestHttp(port);
        defineStream(infra, "s1");
        String id = submit(http, "s1");
        JobRequested requested = requestsFor(infra, id).get(0);
        assertThat(requested.attempt()).isEqualTo(1);
        assertThat(requested.fromOffsets()).containsEntry(0, 10L).containsEntry(1, 5L);
        assertThat(requested.toOffsets()).containsEntry(0, 110L);
        // Self-contained: the override, the segment it learns, the probe rule and the stream's definition.
        assertThat(requested.parameters()).containsEntry("epochs", 3).containsEntry("segment", "base")
                .containsEntry("probeEvery", 5).containsKey("stream");
        assertThat(http.get("/v1/jobs/" + id, ADMIN).body()).contains("\"segment\":\"base\"");

        try (KafkaProducer<String, byte[]> worker = producer(infra)) {
            report(worker, status(id, 1, Phase.STARTED, null, null, null));
            report(worker, status(id, 1, Phase.PROGRESS, 10L, 0.9, null));
            report(worker, status(id, 1, Phase.PROGRESS, 20L, 0.4, null));
            awaitJob(http, id, "\"state\":\"RUNNING\"", "\"lossHistory\":[[10.0,0.9],[20.0,0.4]]");
            report(worker, status(id, 1, Phase.PROGRESS, null, null, "evaluating"));
            awaitJob(http, id, "\"state\":\"EVALUATING\"");
            JobStatus done = new JobStatus(id, 1, Phase.SUCCEEDED, "w1", null, null, null, null, 7, "registered",
                    Instant.now());
            CloudEventAttributes attributes = CloudEventAttributes.of("/perennial/gpu-worker",
                    EventTypes.JOB_STATUS.type(), id);
            send(worker, done, attributes);
            send(worker, done, attributes); // redelivery of the same event
            report(worker, status(id, 0, Phase.FAILED, null, null, "stale attempt"));
            awaitJob(http, id, "\"state\":\"SUCCEEDED\"", "\"version\":7");
        }
        assertProblem(http.postJson("/v1/jobs/" + id + "/cancel", ADMIN, "{}"), 409);
        assertProblem(http.postJson("/v1/jobs/" + id + "/retry", ADMIN, "{}"), 409);
    }

    @Test
    void aSilentWorkerIsReplacedAndTheJobFailsAfterItsLastAttempt(TestInfrastructure infra) {
        TestHttp http = new TestHttp(port);
        defineStream(infra, "s2");
        String id = submit(http, "s2");
        try (KafkaProducer<String, byte[]> worker = producer(infra)) {
            report(worker, status(id, 1, Phase.STARTED, null, null, null));
            awaitJob(http, id, "\"attempt\":2", "\"state\":\"QUEUED\"", "no heartbeat from w1 for 5 s");
            assertThat(requestsFor(infra, id)).extracting(JobRequested::attempt).containsExactly(1, 2);
            report(worker, status(id, 1, Phase.PROGRESS, 99L, 0.1, null)); // the presumed-dead worker is ignored
            report(worker, status(id, 2, Phase.STARTED, null, null, null));
            awaitJob(http, id, "\"state\":\"FAILED\"", "no attempts left");
        }
        HttpResponse<String> retried = http.postJson("/v1/jobs/" + id + "/retry", ADMIN, "{}");
        assertThat(retried.statusCode()).isEqualTo(200);
        assertThat(retried.body()).contains("\"state\":\"QUEUED\"").contains("\"attempt\":3");
        assertThat(http.postJson("/v1/jobs/" + id + "/cancel", ADMIN, "{}").body()).contains("\"CANCELLED\"");
    }

    @Test
    void aFailureTheWorkerCallsFinalIsNotRetried(TestInfrastructure infra) {
        TestHttp http = new TestHttp(port);
        defineStream(infra, "s3");
        String id = submit(http, "s3");
        try (KafkaProducer<String, byte[]> worker = producer(infra)) {
            report(worker, status(id, 1, Phase.STARTED, null, null, null));
            report(worker, new JobStatus(id, 1, Phase.FAILED, "w1", null, null, null, null, null,
                    "partition 0 starts at offset 50: the data aged out of retention", Instant.now(), false));
            awaitJob(http, id, "\"state\":\"FAILED\"", "aged out of retention", "\"attempt\":1");
        }
        // An adapter needs a base model first; a policy can be changed within its rules.
        assertProblem(http.postJson("/v1/jobs", ADMIN, "{\"stream\":\"s3\",\"kind\":\"TRAIN_ADAPTER\","
                + WINDOW + "}"), 409);
        // A merge names adapter segments the stream has, and reads no samples.
        assertProblem(http.postJson("/v1/jobs", ADMIN, "{\"stream\":\"s3\",\"kind\":\"MERGE\",\"fromOffsets\":{},"
                + "\"toOffsets\":{},\"parameters\":{\"sources\":[\"seg-1\"]}}"), 400);
        assertProblem(http.postJson("/v1/jobs", ADMIN, "{\"stream\":\"s3\",\"kind\":\"MERGE\",\"fromOffsets\":{},"
                + "\"toOffsets\":{}}"), 400);
        assertProblem(http.postJson("/v1/jobs", ADMIN, "{\"stream\":\"s3\",\"kind\":\"MERGE\"," + WINDOW
                + ",\"parameters\":{\"sources\":[\"seg-1\"]}}"), 400);
        HttpResponse<String> changed = http.putJson("/v1/policies/s3", ADMIN, "{\"minSamplesAfterDrift\":300}");
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        assertThat(changed.body()).contains("\"minSamplesAfterDrift\":300").contains("\"baseWindow\":1000");
        assertProblem(http.putJson("/v1/policies/s3", ADMIN, "{\"probeEvery\":1}"), 400);
        assertProblem(http.putJson("/v1/policies/s3", ADMIN, "{\"colour\":\"red\"}"), 400);
        assertProblem(http.putJson("/v1/policies/nope", ADMIN, "{\"baseWindow\":10}"), 404);
    }

    @Test
    void invalidJobsAndMissingRightsAreRefused() {
        TestHttp http = new TestHttp(port);
        assertProblem(http.postJson("/v1/jobs", ADMIN, "{\"stream\":\"s\",\"kind\":\"TRAIN_ADAPTER\","
                + "\"fromOffsets\":{\"0\":10},\"toOffsets\":{\"0\":5}}"), 400);
        assertProblem(http.postJson("/v1/jobs", ADMIN, "{\"stream\":\"s\",\"kind\":\"TRAIN_ADAPTER\","
                + "\"fromOffsets\":{\"0\":1},\"toOffsets\":{\"1\":5}}"), 400);
        assertProblem(http.postJson("/v1/jobs", ADMIN, "{\"stream\":\"s\",\"kind\":\"DANCE\","
                + WINDOW + "}"), 400);
        assertProblem(http.postJson("/v1/jobs", ADMIN, "{\"stream\":\"../x\",\"kind\":\"TRAIN_ADAPTER\","
                + WINDOW + "}"), 400);
        assertProblem(http.get("/v1/jobs/" + UUID.randomUUID(), ADMIN), 404);
        String viewer = TestHttp.bearer(apiKeys.issue("v", Role.VIEWER, List.of(), null, "t").secret());
        assertThat(http.get("/v1/jobs", viewer).statusCode()).isEqualTo(200);
        assertProblem(http.postJson("/v1/jobs", viewer, "{\"stream\":\"s\",\"kind\":\"TRAIN_ADAPTER\"," + WINDOW + "}"),
                403);
    }

    private String submit(TestHttp http, String stream) {
        HttpResponse<String> created = http.postJson("/v1/jobs", ADMIN, "{\"stream\":\"" + stream
                + "\",\"kind\":\"TRAIN_BASE\"," + WINDOW + ",\"parameters\":{\"epochs\":3}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).contains("\"state\":\"QUEUED\"").contains("\"attempt\":1");
        return created.body().replaceAll("(?s).*\"id\":\"([0-9a-f-]{36})\".*", "$1");
    }

    /** What ingest-service publishes when a stream is created; the trainer keeps its definition and policy. */
    private void defineStream(TestInfrastructure infra, String name) {
        StreamSpec spec = new StreamSpec(name, List.of(4), List.of("a", "b"), false, 2, 3_600_000,
                Map.of("family", "mlp", "input_dim", 4, "hidden", List.of(8), "classes", 2), Map.of());
        try (KafkaProducer<String, byte[]> producer = producer(infra)) {
            producer.send(new ProducerRecord<>(Topics.STREAMS, null, name, codec.encode(new StreamCreated(spec)),
                    KafkaEvents.headers(CloudEventAttributes.of("/perennial/ingest-service",
                            EventTypes.STREAM_CREATED.type(), name)))).get();
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> new TestHttp(port).get("/v1/policies/" + name, ADMIN)
                .statusCode() == 200);
    }

    private List<JobRequested> requestsFor(TestInfrastructure infra, String id) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !TestTopics.read(infra.bootstrapServers(), Topics.JOBS, 1)
                .stream().filter(r -> r.key().equals(id)).toList().isEmpty());
        return TestTopics.read(infra.bootstrapServers(), Topics.JOBS, 1).stream().filter(r -> r.key().equals(id))
                .map(r -> events.decode(r).dataAs(EventTypes.JOB_REQUESTED)).toList();
    }

    private static void awaitJob(TestHttp http, String id, String... fragments) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String body = http.get("/v1/jobs/" + id, ADMIN).body();
            for (String fragment : fragments) {
                assertThat(body).contains(fragment);
            }
        });
    }

    private static JobStatus status(String id, int attempt, Phase phase, Long step, Double loss, String message) {
        return new JobStatus(id, attempt, phase, "w1", step, 100L, loss, 50.0, null, message, Instant.now());
    }

    private void report(KafkaProducer<String, byte[]> worker, JobStatus status) {
        send(worker, status, CloudEventAttributes.of("/perennial/gpu-worker", EventTypes.JOB_STATUS.type(),
                status.jobId()));
    }

    private void send(KafkaProducer<String, byte[]> worker, JobStatus status, CloudEventAttributes attributes) {
        try {
            worker.send(new ProducerRecord<>(Topics.JOB_EVENTS, null, status.jobId(), codec.encode(status),
                    KafkaEvents.headers(attributes))).get();
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static KafkaProducer<String, byte[]> producer(TestInfrastructure infra) {
        return new KafkaProducer<>(Map.of("bootstrap.servers", infra.bootstrapServers()), new StringSerializer(),
                new ByteArraySerializer());
    }
}
