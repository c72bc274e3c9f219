package io.perennial.drift.monitor;

import static io.perennial.testing.TestHttp.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.perennial.contracts.Topics;
import io.perennial.contracts.cloudevents.CloudEventAttributes;
import io.perennial.contracts.events.DriftEvents.DriftDetected;
import io.perennial.contracts.events.Event;
import io.perennial.contracts.events.EventCodec;
import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.SampleEvents;
import io.perennial.contracts.events.SampleEvents.Sample;
import io.perennial.drift.DriftApplication;
import io.perennial.support.kafka.KafkaEvents;
import io.perennial.support.security.Role;
import io.perennial.support.security.UserAccounts;
import io.perennial.support.service.PerennialServices;
import io.perennial.testing.PerennialIntegrationTest;
import io.perennial.testing.TestHttp;
import io.perennial.testing.TestInfrastructure;
import io.perennial.testing.TestTopics;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

// no registry runs here (port 1 refuses connections): a promotion falls back to the next samples within 3 s
@PerennialIntegrationTest(properties = {"spring.config.name=drift-service",
        "perennial.security.bootstrap-admin-password=drift-admin-password",
        "perennial.drift.registry-url=http://127.0.0.1:1", "perennial.drift.reference.registry-timeout=3s"})
class DriftServiceIT {

    private static final String ADMIN = TestHttp.basic("admin", "drift-admin-password");
    private static final String CONFIG = """
            {"referenceSize":300,"windowSize":300,"evaluateEvery":50,"evaluateIntervalSeconds":0,"alpha":0.001,
             "correction":"bh","detectors":["ks","mmd"],"errorDetector":"adwin","rebaseline":true,"cooldown":300,
             "resolveAlpha":0.2,"minSamples":50}""";
    private static final int DIM = 4;

    @LocalServerPort
    int port;

    @Autowired
    EventCodec codec;

    @Autowired
    KafkaEvents events;

    @Autowired
    StreamMonitors monitors;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Autowired
    UserAccounts users;

    /** Produces samples {@code from..to-1} round-robin over two partitions; returns nothing, offsets are i / 2. */
    private void produce(String bootstrap, String stream, int from, int to, int shiftAt) {
        SplittableRandom random = new SplittableRandom(stream.hashCode() * 31L + from);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "acks", "all"), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = from; i < to; i++) {
                float[] x = new float[DIM];
                for (int j = 0; j < DIM; j++) {
                    double u = 1 - random.nextDouble();
                    x[j] = (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble()));
                }
                if (i >= shiftAt) {
                    x[1] += 4;
                }
                String id = stream + "-" + i;
                Sample sample = new Sample(id, x, null, Instant.now(), Map.of());
                CloudEventAttributes ce = new CloudEventAttributes(id, URI.create("/perennial/ingest-service"),
                        SampleEvents.SAMPLE_TYPE, Instant.now(), stream);
                producer.send(new ProducerRecord<>(Topics.samples(stream), i % 2, id, codec.encode(sample),
                        KafkaEvents.headers(ce)));
            }
            producer.flush();
        }
    }

    private static void createTopic(String bootstrap, String stream) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(Topics.samples(stream), 2, (short) 1))).all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private List<DriftDetected> driftEvents(String bootstrap, String stream, int expected) {
        List<ConsumerRecord<String, byte[]>> records = TestTopics.read(bootstrap, Topics.DRIFT, expected);
        return records.stream().filter(r -> stream.equals(r.key())).map(events::decode)
                .filter(e -> e.is(EventTypes.DRIFT_DETECTED)).map(e -> e.dataAs(EventTypes.DRIFT_DETECTED))
                .toList();
    }

    private long seen(String stream) {
        return monitors.status(stream).map(StreamMonitors.Status::samplesSeen).orElse(0L);
    }

    @Test
    void aPlantedShiftGivesExactlyOneDriftEventWithOffsetsAtOrAfterTheShift(TestInfrastructure infra)
            throws Exception {
        TestHttp http = new TestHttp(port);
        String bootstrap = infra.bootstrapServers();
        assertThat(http.send("PUT", "/v1/drift/streams/sensors/config", ADMIN, "application/json", CONFIG)
                .statusCode()).isEqualTo(200);
        createTopic(bootstrap, "sensors");
        // shift at sample 1200: offset 600 on both partitions
        produce(bootstrap, "sensors", 0, 2000, 1200);
        await().atMost(Duration.ofSeconds(90)).until(() -> seen("sensors") >= 2000);
        // bad input never reaches a detector: a wrong-shaped sample is skipped, an undecodable one goes to the DLQ
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "acks", "all"), new StringSerializer(), new ByteArraySerializer())) {
            CloudEventAttributes ce = new CloudEventAttributes("bad-1", URI.create("/perennial/ingest-service"),
                    SampleEvents.SAMPLE_TYPE, Instant.now(), "sensors");
            producer.send(new ProducerRecord<>(Topics.samples("sensors"), 0, "bad-1",
                    codec.encode(new Sample("bad-1", new float[] {1, 2}, null, Instant.now(), Map.of())),
                    KafkaEvents.headers(ce)));
            producer.send(new ProducerRecord<>(Topics.samples("sensors"), 0, "bad-2",
                    "{not json".getBytes(java.nio.charset.StandardCharsets.UTF_8), KafkaEvents.headers(ce)));
            producer.flush();
        }
        List<ConsumerRecord<String, byte[]>> dead = TestTopics.read(bootstrap, Topics.DLQ, 1);
        assertThat(dead).anySatisfy(r -> assertThat(r.key()).isEqualTo("bad-2"));
        // the reorder buffer releases a lone sample within 2 s; it must still not be counted
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() -> seen("sensors") == 2000);

        List<DriftDetected> drift = driftEvents(bootstrap, "sensors", 1);
        assertThat(drift).hasSize(1);
        DriftDetected event = drift.get(0);
        assertThat(event.kind()).isEqualTo("feature");
        assertThat(event.startOffsets()).containsOnlyKeys(0, 1);
        assertThat(event.startOffsets().values()).allSatisfy(o -> assertThat(o).isBetween(600L, 625L));
        assertThat(event.pValue()).isLessThan(0.001);

        HttpResponse<String> alarms = http.get("/v1/drift/streams/sensors/alarms?limit=10", ADMIN);
        assertThat(alarms.statusCode()).isEqualTo(200);
        assertThat(alarms.body()).contains("\"total\":1").contains("\"kind\":\"feature\"");
        HttpResponse<String> status = http.get("/v1/drift/streams/sensors/status", ADMIN);
        assertThat(status.body()).contains("\"referenceCount\":300").contains("\"detector\":\"ks-bh\"")
                .contains("\"detector\":\"mmd\"");
        HttpResponse<String> history = http.get("/v1/drift/streams/sensors/evaluations?detector=mmd&limit=5",
                ADMIN);
        assertThat(history.body()).contains("\"limit\":5").contains("\"statistic\":");
    }

    private <T> void publish(KafkaProducer<String, byte[]> producer, io.perennial.contracts.events.EventType<T> type,
            String key, T data) {
        String id = UUID.randomUUID().toString();
        CloudEventAttributes ce = new CloudEventAttributes(id, URI.create("/perennial/test"), type.type(),
                Instant.now(), key);
        producer.send(new ProducerRecord<>(type.topic(), null, key, codec.encode(data), KafkaEvents.headers(ce)));
    }

    @Test
    void predictionsAndLabelsFeedPredictionDriftAndTheErrorStreamAndAPromotionWithoutRegistryFallsBackToTheNextSamples(
            TestInfrastructure infra) throws Exception {
        TestHttp http = new TestHttp(port);
        String bootstrap = infra.bootstrapServers();
        assertThat(http.send("PUT", "/v1/drift/streams/served/config", ADMIN, "application/json",
                CONFIG.replace("\"referenceSize\":300,\"windowSize\":300", "\"referenceSize\":200,\"windowSize\":200")
                        .replace("\"cooldown\":300", "\"cooldown\":2000")).statusCode()).isEqualTo(200);
        createTopic(bootstrap, "served");
        produce(bootstrap, "served", 0, 800, Integer.MAX_VALUE);
        await().atMost(Duration.ofSeconds(90)).until(() -> seen("served") >= 800);
        assertThat(monitors.status("served").orElseThrow().phase()).isEqualTo("MONITORING");

        SplittableRandom random = new SplittableRandom(3);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "acks", "all"), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 800; i++) {
                String sampleId = "served-" + i;
                double confidence = i < 500 ? 0.8 + 0.2 * random.nextDouble() : 0.3 + 0.3 * random.nextDouble();
                publish(producer, EventTypes.PREDICTION_SERVED, "served", new SampleEvents.PredictionServed("served",
                        sampleId, 1, "base", "cat", confidence, 0.1, Instant.now()));
                // the model is right until sample 500, wrong afterwards
                publish(producer, EventTypes.LABEL_ASSIGNED, sampleId, new SampleEvents.LabelAssigned("served",
                        sampleId, i < 500 ? "cat" : "dog", Instant.now()));
            }
            producer.flush();
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> monitors.status("served").orElseThrow()
                .errorsScored() >= 800);
        List<DriftDetected> drift = driftEvents(bootstrap, "served", 2);
        assertThat(drift).extracting(DriftDetected::kind).containsExactlyInAnyOrder("prediction", "error");
        // sample i sits at offset i / 2 of partition i % 2: the new regime starts at sample 500, offset 250
        for (DriftDetected d : drift) {
            assertThat(d.startOffsets()).as(d.kind()).isNotEmpty();
            assertThat(d.startOffsets().values()).as(d.kind()).allSatisfy(o -> assertThat(o).isBetween(250L, 320L));
        }

        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "acks", "all"), new StringSerializer(), new ByteArraySerializer())) {
            publish(producer, EventTypes.MODEL_CREATED, "served-model",
                    new io.perennial.contracts.events.RegistryEvents.ModelCreated("served-model", "served",
                            Instant.now()));
            publish(producer, EventTypes.ALIAS_MOVED, "served-model",
                    new io.perennial.contracts.events.RegistryEvents.AliasMoved("served-model", "production", 2, 1,
                            "trainer", "promotion", Instant.now()));
            producer.flush();
        }
        // while the promotion's reference is sought, the stream's samples wait (its partitions are paused)
        await().atMost(Duration.ofSeconds(30)).until(() -> monitors.status("served").orElseThrow()
                .pendingPromotion() != null);
        produce(bootstrap, "served", 800, 1000, Integer.MAX_VALUE);
        assertThat(seen("served")).isEqualTo(800);
        await().atMost(Duration.ofSeconds(60)).until(() -> monitors.status("served").orElseThrow()
                .pendingPromotion() == null);
        StreamMonitors.Status reset = monitors.status("served").orElseThrow();
        assertThat(reset.reference().fallback()).isEqualTo("registry-unreachable");
        assertThat(reset.reference().version()).isEqualTo(2);
        assertThat(reset.pendingPromotion()).isNull();
        assertThat(http.get("/v1/drift/streams/served/status", ADMIN).body())
                .contains("\"fallback\":\"registry-unreachable\"");
        // then, as before promotions had segments, the samples after the promotion form the reference
        await().atMost(Duration.ofSeconds(60)).until(() -> monitors.status("served").orElseThrow()
                .referenceCount() == 200);
        assertThat(seen("served")).isEqualTo(1000);
    }

    @Test
    void twoInstancesSplitTheStreamsAndEachShiftGivesOneAlarm(TestInfrastructure infra) throws Exception {
        TestHttp http = new TestHttp(port);
        String bootstrap = infra.bootstrapServers();
        List<String> streams = List.of("north", "south");
        for (String s : streams) {
            assertThat(http.send("PUT", "/v1/drift/streams/" + s + "/config", ADMIN, "application/json", CONFIG)
                    .statusCode()).isEqualTo(200);
            createTopic(bootstrap, s);
        }
        ConfigurableApplicationContext second = PerennialServices.builder(DriftApplication.class,
                DriftApplication.NAME).run("--server.port=0",
                "--perennial.security.bootstrap-admin-password=drift-admin-password");
        try {
            StreamMonitors other = second.getBean(StreamMonitors.class);
            for (String s : streams) {
                produce(bootstrap, s, 0, 1600, 1000);
            }
            await().atMost(Duration.ofSeconds(120)).until(() -> streams.stream().allMatch(s -> Math.max(
                    seen(s), other.status(s).map(StreamMonitors.Status::samplesSeen).orElse(0L)) >= 1600));
            for (String s : streams) {
                // each stream lives in exactly one instance
                assertThat(monitors.status(s).isPresent() ^ other.status(s).isPresent()).as(s).isTrue();
                List<DriftDetected> drift = driftEvents(bootstrap, s, 1);
                assertThat(drift).as(s).hasSize(1);
                assertThat(drift.get(0).startOffsets().values()).allSatisfy(o -> assertThat(o).isBetween(500L, 525L));
            }
        } finally {
            second.close();
        }
    }

    @Test
    void invalidConfigurationIsABadRequestAndWritesNeedAnOperator() {
        TestHttp http = new TestHttp(port);
        assertProblem(http.send("PUT", "/v1/drift/streams/x/config", ADMIN, "application/json",
                CONFIG.replace("\"windowSize\":300", "\"windowSize\":0")), 400);
        assertProblem(http.send("PUT", "/v1/drift/streams/x/config", ADMIN, "application/json",
                CONFIG.replace("\"alpha\":0.001", "\"alpha\":1.5")), 400);
        assertProblem(http.send("PUT", "/v1/drift/streams/x/config", ADMIN, "application/json",
                CONFIG.replace("\"alpha\":0.001", "\"alpha\":0")), 400);
        assertProblem(http.send("PUT", "/v1/drift/streams/x/config", ADMIN, "application/json",
                CONFIG.replace("[\"ks\",\"mmd\"]", "[\"magic\"]")), 400);
        assertProblem(http.get("/v1/drift/streams/nowhere/status", ADMIN), 404);
        assertProblem(http.get("/v1/drift/streams/x/config", null), 401);
        HttpResponse<String> api = http.get("/v3/api-docs", ADMIN);
        assertThat(api.statusCode()).isEqualTo(200);
        assertThat(api.body()).contains("/v1/drift/streams/{stream}/config", "/v1/drift/streams/{stream}/status",
                "/v1/drift/streams/{stream}/alarms", "/v1/drift/streams/{stream}/evaluations",
                "/v1/drift/streams/{stream}/reset-reference", "Drift monitoring");

        users.create("vera", "vera-viewer-password", List.of(Role.VIEWER), "test");
        String viewer = TestHttp.basic("vera", "vera-viewer-password");
        assertThat(http.get("/v1/drift/streams/x/config", viewer).statusCode()).isEqualTo(200);
        assertProblem(http.send("PUT", "/v1/drift/streams/x/config", viewer, "application/json", CONFIG), 403);
        assertProblem(http.postJson("/v1/drift/streams/x/reset-reference", viewer, ""), 403);
    }

    @Test
    void aRestartMidStreamNeitherRepeatsNorMissesTheAlarm(TestInfrastructure infra) throws Exception {
        TestHttp http = new TestHttp(port);
        String bootstrap = infra.bootstrapServers();
        assertThat(http.send("PUT", "/v1/drift/streams/plant/config", ADMIN, "application/json", CONFIG)
                .statusCode()).isEqualTo(200);
        createTopic(bootstrap, "plant");
        // reference (300) plus 700 monitored samples, then the first 10 shifted samples (shift at 1000: offset 500)
        produce(bootstrap, "plant", 0, 1010, 1000);
        await().atMost(Duration.ofSeconds(90)).until(() -> seen("plant") >= 1010);

        // restart: this instance's consumers stop and forget everything; a new instance takes over
        listeners.stop();
        monitors.forgetAll();
        ConfigurableApplicationContext second = PerennialServices.builder(DriftApplication.class,
                DriftApplication.NAME).run("--server.port=0",
                "--perennial.security.bootstrap-admin-password=drift-admin-password");
        try {
            StreamMonitors secondMonitors = second.getBean(StreamMonitors.class);
            produce(bootstrap, "plant", 1010, 1600, 1000);
            await().atMost(Duration.ofSeconds(90)).until(() -> secondMonitors.status("plant")
                    .map(StreamMonitors.Status::samplesSeen).orElse(0L) >= 1600);
            List<DriftDetected> drift = driftEvents(bootstrap, "plant", 1);
            assertThat(drift).hasSize(1);
            assertThat(drift.get(0).startOffsets().values()).allSatisfy(o -> assertThat(o).isBetween(500L, 525L));

            // and once more after the alarm: the new instance goes away, the first comes back from the database
            second.getBean(KafkaListenerEndpointRegistry.class).stop();
        } finally {
            second.close();
        }
        listeners.start();
        produce(bootstrap, "plant", 1600, 2200, 1000);
        await().atMost(Duration.ofSeconds(90)).until(() -> seen("plant") >= 2200);
        assertThat(driftEvents(bootstrap, "plant", 1)).hasSize(1);
        assertThat(http.get("/v1/drift/streams/plant/alarms", ADMIN).body()).contains("\"total\":1");
    }

    @Autowired
    DriftRepository repository;

    /** Predictions and labels of samples {@code from..to-1}: after {@code shiftAt} lower confidence, errors 0.1 to 0.5. */
    private void feedback(String bootstrap, String stream, int from, int to, int shiftAt) {
        SplittableRandom random = new SplittableRandom(stream.hashCode() * 17L + from);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "acks", "all"), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = from; i < to; i++) {
                String sampleId = stream + "-" + i;
                boolean shifted = i >= shiftAt;
                double confidence = shifted ? 0.3 + 0.3 * random.nextDouble() : 0.8 + 0.2 * random.nextDouble();
                boolean wrong = random.nextDouble() < (shifted ? 0.5 : 0.1);
                publish(producer, EventTypes.PREDICTION_SERVED, stream, new SampleEvents.PredictionServed(stream,
                        sampleId, 1, "base", "cat", confidence, 0.1, Instant.now()));
                publish(producer, EventTypes.LABEL_ASSIGNED, sampleId, new SampleEvents.LabelAssigned(stream,
                        sampleId, wrong ? "dog" : "cat", Instant.now()));
            }
            producer.flush();
        }
    }

    private long feedbackAlarms(String stream, String kind) {
        return repository.alarms(stream, 100, 0).stream().filter(a -> a.kind().equals(kind)).count();
    }

    private static boolean feedbackAssigned(ConfigurableApplicationContext context) {
        var container = context.getBean(KafkaListenerEndpointRegistry.class).getListenerContainer("drift-feedback");
        return container != null && container.getAssignedPartitions() != null
                && !container.getAssignedPartitions().isEmpty();
    }

    @Test
    void feedbackMonitorsSurviveRestartsNeitherMissingNorRepeatingAPredictionOrErrorAlarm(TestInfrastructure infra)
            throws Exception {
        TestHttp http = new TestHttp(port);
        String bootstrap = infra.bootstrapServers();
        String stream = "fed";
        assertThat(http.send("PUT", "/v1/drift/streams/" + stream + "/config", ADMIN, "application/json",
                CONFIG.replace("\"referenceSize\":300,\"windowSize\":300", "\"referenceSize\":200,\"windowSize\":200")
                        .replace("\"cooldown\":300", "\"cooldown\":2000")).statusCode()).isEqualTo(200);
        createTopic(bootstrap, stream);
        produce(bootstrap, stream, 0, 1600, Integer.MAX_VALUE);
        await().atMost(Duration.ofSeconds(90)).until(() -> seen(stream) >= 1600);
        // the prediction reference (200) and 400 monitored predictions at an error rate of 0.1: no alarm yet
        feedback(bootstrap, stream, 0, 600, Integer.MAX_VALUE);
        await().atMost(Duration.ofSeconds(90)).until(() -> monitors.status(stream).orElseThrow().errorsScored() >= 600
                && monitors.status(stream).orElseThrow().predictionsSeen() >= 600);
        assertThat(feedbackAlarms(stream, "error") + feedbackAlarms(stream, "prediction")).isZero();

        // restart before the shift: a monitor that started afresh would take the shifted regime for its baseline
        listeners.stop();
        monitors.forgetAll();
        ConfigurableApplicationContext second = PerennialServices.builder(DriftApplication.class,
                DriftApplication.NAME).run("--server.port=0",
                "--perennial.security.bootstrap-admin-password=drift-admin-password");
        try {
            StreamMonitors secondMonitors = second.getBean(StreamMonitors.class);
            await().atMost(Duration.ofSeconds(60)).until(() -> secondMonitors.status(stream).isPresent()
                    && feedbackAssigned(second));
            feedback(bootstrap, stream, 600, 1200, 600);
            await().atMost(Duration.ofSeconds(90)).until(() -> secondMonitors.status(stream).orElseThrow()
                    .errorsScored() >= 1200);
            // every error scored exactly once across the restart (the replayed joins are not scored again)
            assertThat(secondMonitors.status(stream).orElseThrow().errorsScored()).isEqualTo(1200);
            await().atMost(Duration.ofSeconds(10)).until(() -> feedbackAlarms(stream, "error") == 1
                    && feedbackAlarms(stream, "prediction") == 1);
            // the error alarm locates the jump among the errors scored since the restart: samples 600.. sit at
            // offsets 300.. of both partitions
            assertThat(repository.latestAlarm(stream, "error").orElseThrow().startOffsets().values())
                    .allSatisfy(o -> assertThat(o).isBetween(300L, 420L));
            second.getBean(KafkaListenerEndpointRegistry.class).stop();
        } finally {
            second.close();
            listeners.start();
        }

        // restart after the alarms: the first instance comes back from the database; no second alarm for the shift
        await().atMost(Duration.ofSeconds(60)).until(() -> monitors.status(stream).isPresent());
        feedback(bootstrap, stream, 1200, 1600, 600);
        await().atMost(Duration.ofSeconds(90)).until(() -> monitors.status(stream).orElseThrow()
                .errorsScored() >= 1600);
        assertThat(monitors.status(stream).orElseThrow().errorsScored()).isEqualTo(1600);
        assertThat(feedbackAlarms(stream, "error")).isEqualTo(1);
        assertThat(feedbackAlarms(stream, "prediction")).isEqualTo(1);
    }
}
