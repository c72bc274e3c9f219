package io.perennial.drift.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.perennial.contracts.Topics;
import io.perennial.contracts.cloudevents.CloudEventAttributes;
import io.perennial.contracts.events.DriftEvents.DriftDetected;
import io.perennial.contracts.events.EventCodec;
import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.SampleEvents;
import io.perennial.contracts.events.SampleEvents.Sample;
import io.perennial.registry.RegistryApplication;
import io.perennial.support.kafka.KafkaEvents;
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
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * drift-service next to a real registry-service (same broker and database server, each in its own schema): versions
 * are registered and promoted over the registry's REST API, and drift-service learns of them from
 * {@code perennial.registry} and reads the versions back over REST.
 */
@PerennialIntegrationTest(properties = {"spring.config.name=drift-service",
        "perennial.security.bootstrap-admin-password=drift-admin-password",
        "perennial.security.service-token=" + PromotedReferenceIT.SERVICE_TOKEN})
class PromotedReferenceIT {

    static final String SERVICE_TOKEN = "pnl-test-service-token-for-drift-and-registry";
    private static final String ADMIN = TestHttp.basic("admin", "drift-admin-password");
    private static final String CONFIG = """
            {"referenceSize":300,"windowSize":300,"evaluateEvery":50,"evaluateIntervalSeconds":0,"alpha":0.001,
             "correction":"bh","detectors":["ks","mmd"],"errorDetector":"none","rebaseline":true,"cooldown":300,
             "resolveAlpha":0.2,"minSamples":50}""";
    private static final String FAMILY = "{\"family\":\"mlp\",\"input_dim\":4,\"hidden\":[3],\"classes\":2}";
    private static final int DIM = 4;

    private static ConfigurableApplicationContext registry;
    private static int registryPort;

    @LocalServerPort
    int port;

    @Autowired
    EventCodec codec;

    @Autowired
    KafkaEvents events;

    @Autowired
    StreamMonitors monitors;

    @Autowired
    DriftRepository repository;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @BeforeAll
    static void startRegistry() {
        registry = PerennialServices.builder(RegistryApplication.class, RegistryApplication.NAME).run(
                "--server.port=0", "--perennial.security.bootstrap-admin-password=drift-admin-password",
                "--perennial.security.service-token=" + SERVICE_TOKEN);
        registryPort = registry.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @DynamicPropertySource
    static void registryUrl(DynamicPropertyRegistry properties) {
        properties.add("perennial.drift.registry-url", () -> "http://127.0.0.1:" + registryPort);
    }

    /** Regime A: standard normal; B: feature 1 shifted by 4; C: B plus feature 2 shifted by 4; D: C plus feature 3. */
    private static void regime(float[] x, int regime) {
        for (int j = 1; j <= Math.min(regime, DIM - 1); j++) {
            x[j] += 4;
        }
    }

    /** Produces samples {@code from..to-1}, sample i at offset i / 2 of partition i % 2, in regime {@code of(i)}. */
    private void produce(String bootstrap, String stream, int from, int to, java.util.function.IntUnaryOperator of) {
        SplittableRandom random = new SplittableRandom(stream.hashCode() * 31L + from);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "acks", "all"), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = from; i < to; i++) {
                float[] x = new float[DIM];
                for (int j = 0; j < DIM; j++) {
                    double u = 1 - random.nextDouble();
                    x[j] = (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble()));
                }
                regime(x, of.applyAsInt(i));
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
        return TestTopics.read(bootstrap, Topics.DRIFT, expected).stream().filter(r -> stream.equals(r.key()))
                .map(events::decode).filter(e -> e.is(EventTypes.DRIFT_DETECTED))
                .map(e -> e.dataAs(EventTypes.DRIFT_DETECTED)).toList();
    }

    private long seen(String stream) {
        return monitors.status(stream).map(StreamMonitors.Status::samplesSeen).orElse(0L);
    }

    private StreamMonitors.Status status(String stream) {
        return monitors.status(stream).orElseThrow();
    }

    /** A model for the stream in the registry, known to drift-service through {@code model.created}. */
    private TestHttp model(String stream) {
        TestHttp registryHttp = new TestHttp(registryPort);
        HttpResponse<String> created = registryHttp.postJson("/v1/models", ADMIN, "{\"name\":\"" + stream
                + "-model\",\"stream\":\"" + stream + "\",\"family\":" + FAMILY + "}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(30)).until(() -> repository.streamOfModel(stream + "-model").isPresent());
        return registryHttp;
    }

    private static String segment(String stream, long from, long to) {
        return "{\"topic\":\"" + Topics.samples(stream) + "\",\"partitions\":[{\"partition\":0,\"fromOffset\":" + from
                + ",\"toOffset\":" + to + "},{\"partition\":1,\"fromOffset\":" + from + ",\"toOffset\":" + to + "}]}";
    }

    private static int register(TestHttp registryHttp, String model, String version) {
        HttpResponse<String> registered = registryHttp.postJson("/v1/models/" + model + "/versions", ADMIN, version);
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        return JsonMapper.builder().build().readTree(registered.body()).get("version").asInt();
    }

    private static void promote(TestHttp registryHttp, String model, int version) {
        HttpResponse<String> promoted = registryHttp.postJson("/v1/models/" + model + "/versions/" + version
                + "/promote", ADMIN, "{}");
        assertThat(promoted.statusCode()).as(promoted.body()).isEqualTo(200);
    }

    private static String adapter(int parent, String name, String segment) {
        return "{\"kind\":\"adapter\",\"parentVersion\":" + parent + ",\"jobId\":\"job-" + name + "\",\"adapters\":["
                + "{\"name\":\"" + name + "\",\"rank\":2,\"alpha\":4,\"targetModules\":[\"fc1\"],\"segment\":" + segment
                + "}]}";
    }

    @Test
    void theTrainingSegmentOfAPromotedVersionIsTheReferenceSoTheNextShiftRightAfterItGivesOneAlarmAtItsStart(
            TestInfrastructure infra) throws Exception {
        String bootstrap = infra.bootstrapServers();
        String stream = "shifting";
        String model = stream + "-model";
        assertThat(new TestHttp(port).send("PUT", "/v1/drift/streams/" + stream + "/config", ADMIN,
                "application/json", CONFIG).statusCode()).isEqualTo(200);
        createTopic(bootstrap, stream);
        TestHttp registryHttp = model(stream);

        // A for samples 0..999, B from 1000 (offset 500) to 2399: one alarm, then a reference re-collected from B
        produce(bootstrap, stream, 0, 2400, i -> i < 1000 ? 0 : 1);
        await().atMost(Duration.ofSeconds(90)).until(() -> seen(stream) >= 2400);
        assertThat(driftEvents(bootstrap, stream, 1)).hasSize(1)
                .allSatisfy(d -> assertThat(d.startOffsets().values()).allSatisfy(o -> assertThat(o)
                        .isBetween(500L, 525L)));

        // v2 learned B: offsets 500..1200 on both partitions; promoting it makes B's last 300 samples the reference
        int base = register(registryHttp, model, "{\"kind\":\"base\",\"jobId\":\"job-base\"}");
        int v2 = register(registryHttp, model, adapter(base, "regime-b", segment(stream, 500, 1200)));
        promote(registryHttp, model, v2);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            ReferenceSource r = status(stream).reference();
            return ReferenceSource.SEGMENT.equals(r.kind()) && Integer.valueOf(v2).equals(r.version());
        });
        StreamMonitors.Status installed = status(stream);
        assertThat(installed.phase()).isEqualTo("MONITORING");
        assertThat(installed.referenceCount()).isEqualTo(300);
        assertThat(installed.pendingPromotion()).isNull();
        assertThat(installed.reference().segment()).isEqualTo("regime-b");
        assertThat(installed.reference().fromOffsets()).isEqualTo(Map.of(0, 1050L, 1, 1050L));
        assertThat(installed.reference().toOffsets()).isEqualTo(Map.of(0, 1200L, 1, 1200L));
        assertThat(repository.referenceRequests(List.of(stream))).isEmpty();

        // a restart keeps it: the monitor is rebuilt from monitor_state
        listeners.stop();
        monitors.forgetAll();
        listeners.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> monitors.status(stream).isPresent());
        StreamMonitors.Status restored = status(stream);
        assertThat(restored.reference().kind()).isEqualTo(ReferenceSource.SEGMENT);
        assertThat(restored.reference().version()).isEqualTo(v2);
        assertThat(restored.referenceCount()).isEqualTo(300);
        assertThat(restored.phase()).isEqualTo("MONITORING");
        assertThat(new TestHttp(port).get("/v1/drift/streams/" + stream + "/status", ADMIN).body())
                .contains("\"kind\":\"segment\"").contains("\"segment\":\"regime-b\"");

        // 100 more B samples (no alarm: they match the reference), then C from sample 2500 (offset 1250). With the
        // reference taken from the samples after the promotion (100 B + 200 C) this shift was missed or misplaced.
        produce(bootstrap, stream, 2400, 3500, i -> i < 2500 ? 1 : 2);
        await().atMost(Duration.ofSeconds(90)).until(() -> seen(stream) >= 3500);
        List<DriftDetected> drift = driftEvents(bootstrap, stream, 2);
        assertThat(drift).hasSize(2);
        assertThat(drift.get(1).startOffsets()).containsOnlyKeys(0, 1);
        assertThat(drift.get(1).startOffsets().values()).allSatisfy(o -> assertThat(o).isBetween(1250L, 1275L));

        // a second promotion, of a version that learned C (offsets 1250..1750), with D produced at once: the
        // samples that arrive while the segment loads are held, then tested against C, and D gives one alarm
        await().atMost(Duration.ofSeconds(30)).until(() -> status(stream).phase().equals("MONITORING"));
        int v3 = register(registryHttp, model, adapter(v2, "regime-c", segment(stream, 1250, 1750)));
        promote(registryHttp, model, v3);
        produce(bootstrap, stream, 3500, 4500, i -> 3);
        await().atMost(Duration.ofSeconds(90)).until(() -> seen(stream) >= 4500);
        await().atMost(Duration.ofSeconds(30)).until(() -> repository.referenceRequests(List.of(stream)).isEmpty());
        drift = driftEvents(bootstrap, stream, 3);
        assertThat(drift).hasSize(3);
        assertThat(drift.get(2).startOffsets().values()).allSatisfy(o -> assertThat(o).isBetween(1750L, 1775L));
        assertThat(new TestHttp(port).get("/v1/drift/streams/" + stream + "/alarms", ADMIN).body())
                .contains("\"total\":3");
    }

    @Test
    void aSegmentThatAgedOutOfKafkaFallsBackToTheNextSamplesAndSaysWhy(TestInfrastructure infra) throws Exception {
        String bootstrap = infra.bootstrapServers();
        String stream = "aging";
        String model = stream + "-model";
        assertThat(new TestHttp(port).send("PUT", "/v1/drift/streams/" + stream + "/config", ADMIN,
                "application/json", CONFIG).statusCode()).isEqualTo(200);
        createTopic(bootstrap, stream);
        TestHttp registryHttp = model(stream);
        produce(bootstrap, stream, 0, 800, i -> 0);
        await().atMost(Duration.ofSeconds(90)).until(() -> seen(stream) >= 800);
        assertThat(status(stream).phase()).isEqualTo("MONITORING");

        // retention deletes offsets below 300 of both partitions; the base learned offsets 0..200 (its window is in
        // router.segments, as the worker records it)
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.deleteRecords(Map.of(new TopicPartition(Topics.samples(stream), 0), RecordsToDelete.beforeOffset(300),
                    new TopicPartition(Topics.samples(stream), 1), RecordsToDelete.beforeOffset(300))).all()
                    .get(30, TimeUnit.SECONDS);
        }
        int base = register(registryHttp, model, "{\"kind\":\"base\",\"jobId\":\"job-base\",\"router\":{\"segments\":"
                + "{\"base\":" + segment(stream, 0, 200) + "}}}");
        promote(registryHttp, model, base);
        await().atMost(Duration.ofSeconds(30)).until(() -> "aged-out".equals(status(stream).reference().fallback()));
        StreamMonitors.Status fellBack = status(stream);
        assertThat(fellBack.phase()).isEqualTo("REFERENCE");
        assertThat(fellBack.referenceCount()).isZero();
        assertThat(fellBack.reference().kind()).isEqualTo(ReferenceSource.NEXT_SAMPLES);
        assertThat(fellBack.reference().version()).isEqualTo(base);
        assertThat(fellBack.reference().detail()).contains("segment base").contains("retention");
        assertThat(new TestHttp(port).get("/v1/drift/streams/" + stream + "/status", ADMIN).body())
                .contains("\"fallback\":\"aged-out\"");
        assertThat(repository.referenceRequests(List.of(stream))).isEmpty();

        // as before this existed: the next samples form the reference
        produce(bootstrap, stream, 800, 1100, i -> 0);
        await().atMost(Duration.ofSeconds(60)).until(() -> status(stream).referenceCount() == 300);
        assertThat(status(stream).phase()).isEqualTo("MONITORING");
    }
}
