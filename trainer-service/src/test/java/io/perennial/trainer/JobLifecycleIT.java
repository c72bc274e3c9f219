package io.perennial.trainer;

import static io.perennial.testing.TestHttp.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.perennial.contracts.Topics;
import io.perennial.contracts.cloudevents.CloudEventAttributes;
import io.perennial.contracts.events.EventCodec;
import io.perennial.contracts.events.AdaptationEvents.AdaptationAttempted;
import io.perennial.contracts.events.AdaptationEvents.AdaptationDecided;
import io.perennial.contracts.events.AdaptationEvents.AdaptationStuck;
import io.perennial.contracts.events.AdaptationEvents.Decision;
import io.perennial.contracts.events.DriftEvents.DriftDetected;
import io.perennial.contracts.events.DriftEvents.Severity;
import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.JobEvents.JobRequested;
import io.perennial.contracts.events.JobEvents.JobStatus;
import io.perennial.contracts.events.JobEvents.Phase;
import io.perennial.contracts.events.StreamEvents.StreamCreated;
import io.perennial.contracts.events.StreamSpec;
import io.perennial.registry.RegistryApplication;
import io.perennial.support.kafka.KafkaEvents;
import io.perennial.support.security.ApiKeyService;
import io.perennial.support.security.Role;
import io.perennial.support.service.PerennialServices;
import io.perennial.trainer.adaptation.DriftTriggerRepository;
import io.perennial.testing.PerennialIntegrationTest;
import io.perennial.testing.TestHttp;
import io.perennial.testing.TestInfrastructure;
import io.perennial.testing.TestTopics;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The job state machine against a real broker, with a simulated worker publishing job events; for the loop (alarm →
 * assessment → decision → answer → remedies) next to a real registry-service whose gate promotes or refuses the
 * versions the simulated worker registers, as gpu-worker does.
 */
@PerennialIntegrationTest(properties = {"spring.config.name=trainer-service",
        "perennial.security.bootstrap-admin-password=trainer-admin-password",
        "perennial.security.service-token=" + JobLifecycleIT.SERVICE_TOKEN,
        "perennial.trainer.heartbeat-timeout=5s", "perennial.trainer.sweep-interval=300ms",
        "perennial.trainer.max-attempts=2"})
class JobLifecycleIT {

    static final String SERVICE_TOKEN = "pnl-test-service-token-for-trainer-and-registry";
    private static final String ADMIN = TestHttp.basic("admin", "trainer-admin-password");
    /** Users are shared by the services of one database, so the registry's admin is the trainer's. */
    private static final String REGISTRY_ADMIN = ADMIN;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static ConfigurableApplicationContext registry;
    private static int registryPort;

    @BeforeAll
    static void startRegistry() {
        registry = PerennialServices.builder(RegistryApplication.class, RegistryApplication.NAME).run(
                "--server.port=0", "--perennial.security.bootstrap-admin-password=trainer-admin-password",
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
        properties.add("perennial.trainer.registry-url", () -> "http://127.0.0.1:" + registryPort);
    }
    private static final String WINDOW = "\"fromOffsets\":{\"0\":10,\"1\":5},\"toOffsets\":{\"0\":110,\"1\":95}";

    @LocalServerPort
    int port;

    @Autowired
    EventCodec codec;

    @Autowired
    KafkaEvents events;

    @Autowired
    ApiKeyService apiKeys;

    @Autowired
    DriftTriggerRepository triggers;

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

    /**
     * The loop on one stream: a base, then an alarm (delivered three times) that is assessed, decided as a new regime
     * and answered with an adapter the gate refuses, then every remedy refused → STUCK; a second alarm that recurs a
     * known regime, whose restore fails and falls back to a new adapter that serves; a third that finds the active
     * set full and first archives the least recently seen adapter.
     */
    @Test
    void everyAlarmGetsOneDecisionARefusedAnswerClimbsTheLadderAndAFullSetIsConsolidatedFirst(
            TestInfrastructure infra) throws Exception {
        String stream = "loop";
        TestHttp http = new TestHttp(port);
        TestHttp reg = new TestHttp(registryPort);
        defineStream(infra, stream);
        assertThat(http.putJson("/v1/policies/" + stream, ADMIN, "{\"baseWindow\":20,\"minSamplesAfterDrift\":20,"
                + "\"maxAdapters\":1}").statusCode()).isEqualTo(200);
        // registry-service creates the stream's model from the same stream event
        await().atMost(Duration.ofSeconds(30)).until(() -> reg.get("/v1/models/" + stream, REGISTRY_ADMIN)
                .statusCode() == 200);
        assertThat(reg.send("PUT", "/v1/models/" + stream + "/gate", REGISTRY_ADMIN, "application/json",
                "{\"maxNegativeFlipRate\":0.01}").statusCode()).isEqualTo(200);
        createTopic(infra.bootstrapServers(), stream);
        Set<String> seen = new HashSet<>();

        try (KafkaProducer<String, byte[]> worker = producer(infra)) {
            // the base: trained on the first 20 samples, registered, evaluated and promoted by the trainer
            produce(infra, stream, 20);
            JsonNode base = awaitNewJob(http, stream, "TRAIN_BASE", seen);
            int v1 = register(reg, stream, "{\"kind\":\"base\",\"jobId\":\"" + base.get("id").asString() + "\"}");
            evaluate(reg, stream, v1, null, 0.0);
            succeed(worker, base, v1, null);
            awaitJob(http, base.get("id").asString(), "\"promotion\":\"PROMOTED\"");

            // alarm 1, delivered three times (twice the same event, once re-published): one alarm, one decision
            DriftDetected alarm = new DriftDetected(stream, "ks", "covariate", 0.9, 1e-6, 0.01, Severity.HIGH,
                    Map.of(0, 20L), Instant.now());
            CloudEventAttributes once = CloudEventAttributes.of("/perennial/drift-service",
                    EventTypes.DRIFT_DETECTED.type(), stream);
            alarm(worker, alarm, once);
            alarm(worker, alarm, once);
            alarm(worker, alarm, CloudEventAttributes.of("/perennial/drift-service",
                    EventTypes.DRIFT_DETECTED.type(), stream));
            produce(infra, stream, 20);
            JsonNode assess = awaitNewJob(http, stream, "ASSESS", seen);
            assertThat(assess.get("fromOffsets").toString()).isEqualTo("{\"0\":20}");
            assertThat(assess.get("toOffsets").toString()).isEqualTo("{\"0\":40}");
            assertThat(assess.get("segment").asString()).isEqualTo("seg-1");
            JsonNode decisions = decisions(http, stream);
            assertThat(decisions).hasSize(1);
            assertThat(decisions.get(0).get("state").asString()).isEqualTo("ASSESSING");
            long alarmId = decisions.get(0).get("id").asLong();
            // the assessment: the window fits no known regime (only the base is known)
            Map<String, Object> evidence = Map.of("samples", 20, "labelled", 20, "regimes", List.of(Map.of(
                    "regime", "base", "archived", false, "routedShare", 1.0, "meanDistance", 6.5, "pValue", 1e-9,
                    "classConditionalPValue", 1e-8, "priorShiftPValue", 0.4, "priorShiftTv", 0.02)),
                    "adapterSimilarity", List.of());
            succeed(worker, assess, null, evidence);
            // a succeeded assessment: its result on the job, no version, nothing to promote
            awaitJob(http, assess.get("id").asString(), "\"state\":\"SUCCEEDED\"", "\"result\":{",
                    "\"meanDistance\":6.5");
            JsonNode adapter = awaitNewJob(http, stream, "TRAIN_ADAPTER", seen);
            assertThat(adapter.get("segment").asString()).isEqualTo("seg-1");
            assertThat(adapter.get("fromOffsets").toString()).isEqualTo("{\"0\":20}");
            assertThat(adapter.get("parameters").get("trigger").get("alarmId").asLong()).isEqualTo(alarmId);
            assertThat(http.get("/v1/jobs/" + assess.get("id").asString(), ADMIN).body())
                    .doesNotContain("\"promotion\":\"");
            JsonNode decided = decision(http, alarmId);
            assertThat(decided.get("decision").asString()).isEqualTo("NEW_REGIME");
            assertThat(decided.get("state").asString()).isEqualTo("ACTING");
            assertThat(decided.get("reason").asString()).contains("active regime base").contains("does not match");
            assertThat(decided.get("evidence").get("thresholds").get("matchAlpha").asDouble()).isEqualTo(0.01);
            List<AdaptationDecided> decidedEvents = adaptation(infra, stream, 1, EventTypes.ADAPTATION_DECIDED);
            assertThat(decidedEvents).singleElement().satisfies(d -> {
                assertThat(d.alarmId()).isEqualTo(alarmId);
                assertThat(d.decision()).isEqualTo(Decision.NEW_REGIME);
                assertThat(d.jobId()).isEqualTo(adapter.get("id").asString());
                assertThat(d.reason()).isEqualTo(decided.get("reason").asString());
            });

            // a second planner that got past the policy row lock can neither decide again nor re-assess the alarm
            assertThatThrownBy(() -> triggers.decide(alarmId, Decision.RECURRING, "again", Map.of()))
                    .hasMessageContaining("no longer ASSESSING");
            assertThatThrownBy(() -> triggers.assessing(alarmId, UUID.randomUUID(), "seg-9", Map.of(0, 20L),
                    Map.of(0, 40L))).hasMessageContaining("no longer PENDING");
            assertThat(decision(http, alarmId).get("decision").asString()).isEqualTo("NEW_REGIME");

            // the gate refuses the adapter (negative flip rate 0.05 > 0.01) and every remedy after it
            List<String> remedies = new ArrayList<>();
            JsonNode refused = adapter;
            for (int rung = 1; rung <= 4; rung++) {
                int v = register(reg, stream, adapterVersion(v1, refused.get("id").asString(), "seg-1"));
                evaluate(reg, stream, v, v1, 0.05);
                succeed(worker, refused, v, null);
                awaitJob(http, refused.get("id").asString(), "\"promotion\":\"BLOCKED\"", "max-negative-flip-rate");
                if (rung == 4) {
                    break;
                }
                refused = awaitNewJob(http, stream, "TRAIN_ADAPTER", seen);
                JsonNode p = refused.get("parameters");
                assertThat(refused.get("segment").asString()).isEqualTo("seg-1");
                assertThat(refused.get("fromOffsets").toString()).isEqualTo("{\"0\":20}");
                assertThat(p.get("remedy").get("rung").asInt()).isEqualTo(rung);
                assertThat(p.get("distillation").toString()).isEqualTo("{\"weight\":1.0,\"temperature\":2.0}");
                remedies.add(p.get("remedy").get("name").asString());
                if (rung == 2) {
                    assertThat(p.get("targets").toString()).isEqualTo("[\"fc2\"]");
                }
                if (rung == 3) {
                    // no layer of this few-feature, two-class model has room for rank 16: the policy's rank on
                    // every layer instead (RemedyLadder.layersWithRoomFor)
                    assertThat(p.get("rank").asInt()).isEqualTo(8);
                    assertThat(p.get("targets").toString()).isEqualTo("[]");
                }
                // earlier segments are probed once, the segment being learned never
                assertThat(p.get("probes").toString()).contains("\"segment\":\"base\"").doesNotContain("seg-1");
            }
            assertThat(remedies).containsExactly("distillation", "head-only", "higher-rank");
            await().atMost(Duration.ofSeconds(30)).until(() -> decision(http, alarmId).get("state").asString()
                    .equals("STUCK"));
            JsonNode stuck = JSON.readTree(http.get("/v1/decisions/stuck?stream=" + stream, ADMIN).body());
            assertThat(stuck).hasSize(1);
            assertThat(stuck.get(0).get("attempts")).hasSize(4);
            assertThat(stuck.get(0).get("attempts").get(3).get("verdict").asString())
                    .contains("max-negative-flip-rate");
            assertThat(stuck.get(0).get("jobIds")).hasSize(5);
            assertThat(adaptation(infra, stream, 3, EventTypes.ADAPTATION_ATTEMPTED))
                    .extracting(AdaptationAttempted::rung, AdaptationAttempted::remedy)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "distillation"),
                            org.assertj.core.groups.Tuple.tuple(2, "head-only"),
                            org.assertj.core.groups.Tuple.tuple(3, "higher-rank"));
            assertThat(adaptation(infra, stream, 1, EventTypes.ADAPTATION_STUCK)).singleElement().satisfies(s -> {
                assertThat(s.alarmId()).isEqualTo(alarmId);
                assertThat(s.servingVersion()).isEqualTo(v1);
                assertThat(s.segment()).isEqualTo("seg-1");
                assertThat(s.attempts()).extracting(a -> a.get("remedy"))
                        .containsExactly("new-adapter", "distillation", "head-only", "higher-rank");
                assertThat(s.attempts()).allSatisfy(a -> assertThat(String.valueOf(a.get("verdict")))
                        .contains("max-negative-flip-rate"));
            });
            // the redelivered alarm made no second alarm and no second decision
            assertThat(decisions(http, stream)).hasSize(1);
            assertThat(adaptation(infra, stream, 1, EventTypes.ADAPTATION_DECIDED)).hasSize(1);

            // alarm 2: the window recurs the base regime → RESTORE job; it fails → a new adapter, which serves
            alarm(worker, new DriftDetected(stream, "ks", "covariate", 0.9, 1e-6, 0.01, Severity.HIGH,
                    Map.of(0, 40L), Instant.now()), CloudEventAttributes.of("/perennial/drift-service",
                    EventTypes.DRIFT_DETECTED.type(), stream));
            produce(infra, stream, 20);
            JsonNode assess2 = awaitNewJob(http, stream, "ASSESS", seen);
            assertThat(assess2.get("segment").asString()).isEqualTo("seg-2");
            assertThat(assess2.get("fromOffsets").toString()).isEqualTo("{\"0\":40}");
            succeed(worker, assess2, null, Map.of("regimes", List.of(Map.of("regime", "base", "archived", false,
                    "routedShare", 0.9, "meanDistance", 0.7, "pValue", 0.3, "classConditionalPValue", 0.4,
                    "priorShiftPValue", 0.5, "priorShiftTv", 0.01))));
            JsonNode restore = awaitNewJob(http, stream, "RESTORE", seen);
            assertThat(restore.get("parameters").get("regime").asString()).isEqualTo("base");
            assertThat(restore.get("segment").asString()).isEqualTo("seg-2");
            long alarm2 = decisions(http, stream).get(0).get("id").asLong();
            assertThat(decision(http, alarm2).get("decision").asString()).isEqualTo("RECURRING");
            fail(worker, restore, "the registry refused kind 'restore'");
            JsonNode fallback = awaitNewJob(http, stream, "TRAIN_ADAPTER", seen);
            assertThat(fallback.get("segment").asString()).isEqualTo("seg-2");
            assertThat(fallback.get("parameters").has("remedy")).isFalse();
            int v2 = register(reg, stream, adapterVersion(v1, fallback.get("id").asString(), "seg-2"));
            evaluate(reg, stream, v2, v1, 0.0);
            succeed(worker, fallback, v2, null);
            await().atMost(Duration.ofSeconds(30)).until(() -> decision(http, alarm2).get("state").asString()
                    .equals("DONE"));
            assertThat(decision(http, alarm2).get("attempts").get(0).get("verdict").asString())
                    .contains("refused kind 'restore'");

            // alarm 3: a new regime, but the active set (seg-2) is full at maxAdapters 1: archive first, no adapter
            alarm(worker, new DriftDetected(stream, "ks", "covariate", 0.9, 1e-6, 0.01, Severity.HIGH,
                    Map.of(0, 60L), Instant.now()), CloudEventAttributes.of("/perennial/drift-service",
                    EventTypes.DRIFT_DETECTED.type(), stream));
            produce(infra, stream, 20);
            JsonNode assess3 = awaitNewJob(http, stream, "ASSESS", seen);
            succeed(worker, assess3, null, evidence);
            JsonNode archive = awaitNewJob(http, stream, "ARCHIVE", seen);
            assertThat(archive.get("parameters").get("regimes").toString()).isEqualTo("[\"seg-2\"]");
            assertThat(archive.get("fromOffsets").toString()).isEqualTo("{}");
            long alarm3 = decisions(http, stream).get(0).get("id").asLong();
            assertThat(decision(http, alarm3).get("state").asString()).isEqualTo("CONSOLIDATING");
            assertThat(adaptation(infra, stream, 4, EventTypes.ADAPTATION_DECIDED)).filteredOn(d ->
                    d.alarmId() == alarm3).extracting(AdaptationDecided::decision)
                    .containsExactlyInAnyOrder(Decision.ARCHIVE, Decision.NEW_REGIME);
            fail(worker, archive, "the registry refused kind 'archive'");
            await().atMost(Duration.ofSeconds(30)).until(() -> decision(http, alarm3).get("state").asString()
                    .equals("STUCK"));
            assertThat(decision(http, alarm3).get("note").asString()).contains("archiving was refused");
            // the bound held: no adapter was queued for alarm 3
            for (JsonNode j : JSON.readTree(http.get("/v1/jobs?stream=" + stream + "&limit=500", ADMIN).body())) {
                assertThat(j.get("kind").asString() + " " + j.get("segment").asString())
                        .isNotEqualTo("TRAIN_ADAPTER seg-3");
            }
        }
        // the decisions API validates its parameters and needs a viewer
        assertProblem(http.get("/v1/decisions?stream=../x", ADMIN), 400);
        assertProblem(http.get("/v1/decisions?state=BORED", ADMIN), 400);
        assertProblem(http.get("/v1/decisions?limit=0", ADMIN), 400);
        assertProblem(http.get("/v1/decisions/999999", ADMIN), 404);
        assertThat(http.get("/v1/decisions", null).statusCode()).isEqualTo(401);
    }

    /**
     * A full active set with two close adapters: the merge the assessment's similarity justifies is refused by the
     * gate, remembered, and the set is made room in by archiving the least recently seen adapter instead — also for a
     * later alarm with the same evidence.
     */
    @Test
    void aRefusedMergeIsRememberedAndNeverProposedAgain(TestInfrastructure infra) throws Exception {
        String stream = "merging";
        TestHttp http = new TestHttp(port);
        TestHttp reg = new TestHttp(registryPort);
        defineStream(infra, stream);
        assertThat(http.putJson("/v1/policies/" + stream, ADMIN, "{\"baseWindow\":20,\"minSamplesAfterDrift\":20,"
                + "\"maxAdapters\":2}").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> reg.get("/v1/models/" + stream, REGISTRY_ADMIN)
                .statusCode() == 200);
        assertThat(reg.send("PUT", "/v1/models/" + stream + "/gate", REGISTRY_ADMIN, "application/json",
                "{\"maxNegativeFlipRate\":0.01}").statusCode()).isEqualTo(200);
        createTopic(infra.bootstrapServers(), stream);
        Set<String> seen = new HashSet<>();
        Map<String, Object> unknown = Map.of("regimes", List.of(Map.of("regime", "base", "archived", false,
                "routedShare", 0.2, "meanDistance", 6.0, "pValue", 1e-9, "classConditionalPValue", 1e-9)));
        Map<String, Object> unknownButCloseAdapters = Map.of("regimes", unknown.get("regimes"), "adapterSimilarity",
                List.of(Map.of("a", "seg-1", "b", "seg-2", "deltaCosine", 0.95, "descriptorDistance", 0.5)));
        try (KafkaProducer<String, byte[]> worker = producer(infra)) {
            produce(infra, stream, 20);
            JsonNode base = awaitNewJob(http, stream, "TRAIN_BASE", seen);
            int v1 = register(reg, stream, "{\"kind\":\"base\",\"jobId\":\"" + base.get("id").asString() + "\"}");
            evaluate(reg, stream, v1, null, 0.0);
            succeed(worker, base, v1, null);
            awaitJob(http, base.get("id").asString(), "\"promotion\":\"PROMOTED\"");
            int serving = v1;
            Map<String, Integer> versionOf = new java.util.HashMap<>();
            for (String segment : List.of("seg-1", "seg-2")) { // two new regimes, each an adapter that serves
                JsonNode assess = raiseAndAssess(worker, infra, http, stream, seen);
                succeed(worker, assess, null, unknown);
                JsonNode adapter = awaitNewJob(http, stream, "TRAIN_ADAPTER", seen);
                assertThat(adapter.get("segment").asString()).isEqualTo(segment);
                int v = register(reg, stream, adapterVersion(serving, adapter.get("id").asString(), segment));
                evaluate(reg, stream, v, serving, 0.0);
                succeed(worker, adapter, v, null);
                awaitJob(http, adapter.get("id").asString(), "\"promotion\":\"PROMOTED\"");
                serving = v;
                versionOf.put(segment, v);
            }
            // a third new regime on a full set: merge seg-1 and seg-2 (close), which the gate refuses
            JsonNode assess = raiseAndAssess(worker, infra, http, stream, seen);
            succeed(worker, assess, null, unknownButCloseAdapters);
            JsonNode merge = awaitNewJob(http, stream, "MERGE", seen);
            assertThat(merge.get("parameters").get("sources").toString()).isEqualTo("[\"seg-1\",\"seg-2\"]");
            long alarm = decisions(http, stream).get(0).get("id").asLong();
            int merged = register(reg, stream, "{\"kind\":\"merge\",\"parentVersion\":" + serving + ",\"jobId\":\""
                    + merge.get("id").asString() + "\",\"adapters\":[{\"name\":\"merge-1\",\"rank\":2,\"alpha\":4,"
                    + "\"targetModules\":[\"fc1\"],\"segment\":{\"topic\":\"perennial.samples.merging\","
                    + "\"partitions\":[{\"partition\":0,\"fromOffset\":20,\"toOffset\":60}]}}],"
                    + "\"merge\":{\"method\":\"ties\",\"sources\":["
                    + "{\"version\":" + versionOf.get("seg-1") + ",\"adapter\":\"seg-1\"},{\"version\":"
                    + versionOf.get("seg-2") + ",\"adapter\":\"seg-2\"}]}}");
            evaluate(reg, stream, merged, serving, 0.2);
            succeed(worker, merge, merged, null);
            // refused → the pair is remembered and the least recently seen adapter, seg-1, is archived instead
            JsonNode archive = awaitNewJob(http, stream, "ARCHIVE", seen);
            assertThat(archive.get("parameters").get("regimes").toString()).isEqualTo("[\"seg-1\"]");
            JsonNode consolidations = decision(http, alarm).get("consolidations");
            assertThat(consolidations).hasSize(2);
            assertThat(consolidations.get(0).get("decision").asString()).isEqualTo("MERGE");
            assertThat(consolidations.get(0).get("outcome").asString()).contains("max-negative-flip-rate");
            assertThat(consolidations.get(1).get("decision").asString()).isEqualTo("ARCHIVE");
            assertThat(adaptation(infra, stream, 5, EventTypes.ADAPTATION_DECIDED)).filteredOn(d ->
                    d.alarmId() == alarm).extracting(AdaptationDecided::decision)
                    .containsExactly(Decision.MERGE, Decision.NEW_REGIME, Decision.ARCHIVE);
            fail(worker, archive, "the worker could not archive");
            await().atMost(Duration.ofSeconds(30)).until(() -> decision(http, alarm).get("state").asString()
                    .equals("STUCK"));

            // a later alarm with the same evidence: the refused pair is not proposed again
            JsonNode again = raiseAndAssess(worker, infra, http, stream, seen);
            succeed(worker, again, null, unknownButCloseAdapters);
            JsonNode archiveAgain = awaitNewJob(http, stream, "ARCHIVE", seen);
            assertThat(archiveAgain.get("parameters").get("regimes").toString()).isEqualTo("[\"seg-1\"]");
            long later = decisions(http, stream).get(0).get("id").asLong();
            assertThat(decision(http, later).get("consolidations").get(0).get("reason").asString())
                    .contains("no pair of adapters close enough");
        }
    }

    /**
     * The continuing regime: an adapter regime that keeps receiving data is refined on its grown window each time its
     * data quadruples (capped at the newest {@code refineMaxWindow}), each refinement a version through the gate;
     * refining stops once a refinement gains less than {@code refineMinGain}; a recurrence of the regime starts the
     * schedule again; an alarm raised while a refinement runs waits for it. (registry-service on this branch knows
     * the kinds base, adapter and merge: the simulated worker registers refinements and the restore as adapter
     * versions; the trainer decides on the job, its promotion and the evaluation, not on the kind.)
     */
    @Test
    void theContinuingRegimeIsRefinedOnItsGrownWindowUntilItStopsGaining(TestInfrastructure infra) throws Exception {
        String stream = "refining";
        TestHttp http = new TestHttp(port);
        TestHttp reg = new TestHttp(registryPort);
        defineStream(infra, stream);
        assertThat(http.putJson("/v1/policies/" + stream, ADMIN, "{\"baseWindow\":20,\"minSamplesAfterDrift\":20,"
                + "\"refineMaxWindow\":70}").statusCode()).isEqualTo(200);
        assertProblem(http.putJson("/v1/policies/" + stream, ADMIN, "{\"refineGrowth\":1}"), 400);
        assertProblem(http.putJson("/v1/policies/" + stream, ADMIN, "{\"refineMinGain\":2}"), 400);
        assertProblem(http.putJson("/v1/policies/" + stream, ADMIN, "{\"refineMaxWindow\":0}"), 400);
        await().atMost(Duration.ofSeconds(30)).until(() -> reg.get("/v1/models/" + stream, REGISTRY_ADMIN)
                .statusCode() == 200);
        createTopic(infra.bootstrapServers(), stream);
        Set<String> seen = new HashSet<>();
        Map<String, Object> unknown = Map.of("regimes", List.of(Map.of("regime", "base", "archived", false,
                "routedShare", 0.2, "meanDistance", 6.0, "pValue", 1e-9, "classConditionalPValue", 1e-9)));
        try (KafkaProducer<String, byte[]> worker = producer(infra)) {
            produce(infra, stream, 20);
            JsonNode base = awaitNewJob(http, stream, "TRAIN_BASE", seen);
            int v1 = register(reg, stream, "{\"kind\":\"base\",\"jobId\":\"" + base.get("id").asString() + "\"}");
            evaluate(reg, stream, v1, null, 0.0);
            succeed(worker, base, v1, null);
            awaitJob(http, base.get("id").asString(), "\"promotion\":\"PROMOTED\"");

            // a new regime on [20, 40): adapter seg-1, trained on 20 samples, serves
            JsonNode assess = raiseAndAssess(worker, infra, http, stream, seen);
            succeed(worker, assess, null, unknown);
            JsonNode adapter = awaitNewJob(http, stream, "TRAIN_ADAPTER", seen);
            assertThat(adapter.get("segment").asString()).isEqualTo("seg-1");
            int v2 = register(reg, stream, adapterVersion(v1, adapter.get("id").asString(), "seg-1"));
            evaluate(reg, stream, v2, v1, 0.0);
            succeed(worker, adapter, v2, null);
            long alarm = decisions(http, stream).get(0).get("id").asLong();
            await().atMost(Duration.ofSeconds(30)).until(() -> decision(http, alarm).get("state").asString()
                    .equals("DONE"));

            // 79 samples since the regime's window started (< 4 x 20): nothing; the 80th: one refinement
            produce(infra, stream, 59);
            assertNewestJobStays(http, stream, adapter);
            produce(infra, stream, 1);
            JsonNode refine = awaitNewJob(http, stream, "REFINE", seen);
            assertThat(refine.get("parameters").get("regime").asString()).isEqualTo("seg-1");
            assertThat(refine.get("segment").asString()).isEqualTo("seg-2");
            // the newest refineMaxWindow (70) of the regime's 80 samples [20, 100)
            assertThat(refine.get("fromOffsets").toString()).isEqualTo("{\"0\":30}");
            assertThat(refine.get("toOffsets").toString()).isEqualTo("{\"0\":100}");
            assertThat(refine.get("parameters").get("probes").toString()).contains("\"segment\":\"base\"")
                    .contains("\"segment\":\"seg-1\"");
            AdaptationDecided refineDecided = adaptation(infra, stream, 2, EventTypes.ADAPTATION_DECIDED).stream()
                    .filter(d -> d.decision() == Decision.REFINE).findFirst().orElseThrow();
            assertThat(refineDecided.alarmId()).isNull();
            assertThat(refineDecided.jobId()).isEqualTo(refine.get("id").asString());
            assertThat(refineDecided.evidence()).containsEntry("regime", "seg-1").containsEntry("windowSamples", 70)
                    .containsEntry("lastTrainedSamples", 20).containsEntry("samplesSinceStart", 80)
                    .containsEntry("growth", 4.0);
            JsonNode rows = refinements(http, stream);
            assertThat(rows).hasSize(1);
            assertThat(rows.get(0).get("state").asString()).isEqualTo("RUNNING");
            assertThat(rows.get(0).get("alarmId").asLong()).isEqualTo(alarm);

            // its version passes the gate and gained 0.05 on its window's probe: it serves, the schedule goes on
            int v3 = register(reg, stream, adapterVersion(v2, refine.get("id").asString(), "seg-1"));
            evaluateRefinement(reg, stream, v3, v2, "seg-2", 0.06, 0.01);
            succeed(worker, refine, v3, null);
            awaitJob(http, refine.get("id").asString(), "\"promotion\":\"PROMOTED\"");
            await().atMost(Duration.ofSeconds(30)).until(() -> refinements(http, stream).get(0).get("state")
                    .asString().equals("SERVING"));
            assertThat(refinements(http, stream).get(0).get("gain").asDouble()).isCloseTo(0.05,
                    org.assertj.core.data.Offset.offset(1e-9));
            assertThat(refinements(http, stream).get(0).get("version").asInt()).isEqualTo(v3);

            // the next refinement waits for 4 x 70 samples since the start (offset 300)
            produce(infra, stream, 199);
            assertNewestJobStays(http, stream, refine);
            produce(infra, stream, 1);
            JsonNode second = awaitNewJob(http, stream, "REFINE", seen);
            assertThat(second.get("segment").asString()).isEqualTo("seg-3");
            assertThat(second.get("fromOffsets").toString()).isEqualTo("{\"0\":230}");
            assertThat(second.get("toOffsets").toString()).isEqualTo("{\"0\":300}");
            // it serves but gains 0.005 < refineMinGain 0.01: refining seg-1 stops, with the reason
            int v4 = register(reg, stream, adapterVersion(v3, second.get("id").asString(), "seg-1"));
            evaluateRefinement(reg, stream, v4, v3, "seg-3", 0.02, 0.015);
            succeed(worker, second, v4, null);
            await().atMost(Duration.ofSeconds(30)).until(() -> refinements(http, stream).get(0).get("state")
                    .asString().equals("STOPPED"));
            assertThat(refinements(http, stream).get(0).get("stopReason").asString()).contains("gained 0.0050")
                    .contains("refineMinGain");
            // 280 samples since the start are 4 x the 70 it was last trained on: refining would be due, but stopped
            produce(infra, stream, 1);
            assertNewestJobStays(http, stream, second);
            assertThat(refinements(http, stream)).hasSize(2);

            // seg-1 recurs: its restore serves, and the schedule starts again on the recurrence's window
            JsonNode assess2 = raiseAndAssess(worker, infra, http, stream, seen);
            long recurrenceStart = assess2.get("fromOffsets").get("0").asLong();
            succeed(worker, assess2, null, Map.of("regimes", List.of(Map.of("regime", "seg-1", "archived", false,
                    "routedShare", 0.9, "meanDistance", 0.7, "pValue", 0.3, "classConditionalPValue", 0.4,
                    "priorShiftPValue", 0.5, "priorShiftTv", 0.01))));
            JsonNode restore = awaitNewJob(http, stream, "RESTORE", seen);
            assertThat(restore.get("parameters").get("regime").asString()).isEqualTo("seg-1");
            int v5 = register(reg, stream, adapterVersion(v4, restore.get("id").asString(), "seg-1"));
            evaluate(reg, stream, v5, v4, 0.0);
            succeed(worker, restore, v5, null);
            long alarm2 = decisions(http, stream).get(0).get("id").asLong();
            await().atMost(Duration.ofSeconds(30)).until(() -> decision(http, alarm2).get("state").asString()
                    .equals("DONE"));
            // the recurrence's window holds 20; seg-1 was last trained on 70: due at 280, sooner with refineGrowth 2
            assertThat(http.putJson("/v1/policies/" + stream, ADMIN, "{\"refineGrowth\":2}").statusCode())
                    .isEqualTo(200);
            produce(infra, stream, 120);
            JsonNode third = awaitNewJob(http, stream, "REFINE", seen);
            assertThat(third.get("fromOffsets").toString()).isEqualTo("{\"0\":" + (recurrenceStart + 140 - 70)
                    + "}");
            assertThat(third.get("toOffsets").toString()).isEqualTo("{\"0\":" + (recurrenceStart + 140) + "}");
            assertThat(refinements(http, stream).get(0).get("alarmId").asLong()).isEqualTo(alarm2);

            // an alarm raised while the refinement runs waits for it; the refinement fails for good: stopped
            long end = recurrenceStart + 140;
            alarm(worker, new DriftDetected(stream, "ks", "covariate", 0.9, 1e-6, 0.01, Severity.HIGH,
                    Map.of(0, end), Instant.now()), CloudEventAttributes.of("/perennial/drift-service",
                    EventTypes.DRIFT_DETECTED.type(), stream));
            produce(infra, stream, 20);
            assertNewestJobStays(http, stream, third);
            fail(worker, third, "partition 0 starts later: the data aged out of retention");
            JsonNode assess3 = awaitNewJob(http, stream, "ASSESS", seen);
            assertThat(assess3.get("fromOffsets").toString()).isEqualTo("{\"0\":" + end + "}");
            await().atMost(Duration.ofSeconds(30)).until(() -> refinements(http, stream).get(0).get("state")
                    .asString().equals("STOPPED"));
            assertThat(refinements(http, stream).get(0).get("stopReason").asString()).contains("failed")
                    .contains("aged out");
            assertThat(adaptation(infra, stream, 5, EventTypes.ADAPTATION_DECIDED)).filteredOn(d ->
                    d.decision() == Decision.REFINE).hasSize(3);
        }
        assertProblem(http.get("/v1/decisions/refinements?stream=../x", ADMIN), 400);
        assertProblem(http.get("/v1/decisions/refinements?limit=0", ADMIN), 400);
        assertThat(http.get("/v1/decisions/refinements", null).statusCode()).isEqualTo(401);
    }

    /** The stream's newest job stays {@code job} for a few planner rounds: nothing new is queued. */
    private static void assertNewestJobStays(TestHttp http, String stream, JsonNode job) {
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> JSON.readTree(
                http.get("/v1/jobs?stream=" + stream + "&limit=1", ADMIN).body()).get(0).get("id").asString()
                .equals(job.get("id").asString()));
    }

    private static JsonNode refinements(TestHttp http, String stream) {
        HttpResponse<String> r = http.get("/v1/decisions/refinements?stream=" + stream, ADMIN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** A refinement's report: its own window's probe carries the flip rates against the version it replaces. */
    private static void evaluateRefinement(TestHttp registryHttp, String model, int version, int serving,
            String segment, double pfr, double nfr) {
        HttpResponse<String> r = registryHttp.postJson("/v1/models/" + model + "/versions/" + version
                + "/evaluations", REGISTRY_ADMIN, "{\"servingVersion\":" + serving + ",\"segments\":[{\"segment\":"
                + "\"base\",\"accuracy\":0.9},{\"segment\":\"" + segment + "\",\"accuracy\":0.9,\"samples\":14,"
                + "\"negativeFlipRate\":" + nfr + ",\"positiveFlipRate\":" + pfr + "}],\"flips\":{\"negative\":0.0,"
                + "\"positive\":0.01,\"samples\":400}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    /** Raises an alarm at the end of the stream's topic, adds the window's samples and returns its ASSESS job. */
    private JsonNode raiseAndAssess(KafkaProducer<String, byte[]> producer, TestInfrastructure infra, TestHttp http,
            String stream, Set<String> seen) throws Exception {
        long end;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.bootstrapServers()))) {
            org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition(
                    Topics.samples(stream), 0);
            end = admin.listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest())).all()
                    .get(30, TimeUnit.SECONDS).get(tp).offset();
        }
        alarm(producer, new DriftDetected(stream, "ks", "covariate", 0.9, 1e-6, 0.01, Severity.HIGH,
                Map.of(0, end), Instant.now()), CloudEventAttributes.of("/perennial/drift-service",
                EventTypes.DRIFT_DETECTED.type(), stream));
        produce(infra, stream, 20);
        JsonNode assess = awaitNewJob(http, stream, "ASSESS", seen);
        assertThat(assess.get("fromOffsets").toString()).isEqualTo("{\"0\":" + end + "}");
        return assess;
    }

    private static JsonNode decisions(TestHttp http, String stream) {
        HttpResponse<String> r = http.get("/v1/decisions?stream=" + stream, ADMIN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static JsonNode decision(TestHttp http, long id) {
        HttpResponse<String> r = http.get("/v1/decisions/" + id, ADMIN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** Waits for the stream's newest job to be a QUEUED job of {@code kind} not seen before. */
    private static JsonNode awaitNewJob(TestHttp http, String stream, String kind, Set<String> seen) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode newest = JSON.readTree(http.get("/v1/jobs?stream=" + stream + "&limit=1", ADMIN).body()).get(0);
            assertThat(newest).isNotNull();
            assertThat(seen).doesNotContain(newest.get("id").asString());
            assertThat(newest.get("kind").asString()).isEqualTo(kind);
            found[0] = newest;
        });
        seen.add(found[0].get("id").asString());
        return found[0];
    }

    private void succeed(KafkaProducer<String, byte[]> worker, JsonNode job, Integer version,
            Map<String, Object> result) {
        String id = job.get("id").asString();
        report(worker, status(id, 1, Phase.STARTED, null, null, null));
        report(worker, new JobStatus(id, 1, Phase.SUCCEEDED, "w1", null, null, null, null, version, "done",
                Instant.now(), null, result));
    }

    private void fail(KafkaProducer<String, byte[]> worker, JsonNode job, String why) {
        String id = job.get("id").asString();
        report(worker, new JobStatus(id, 1, Phase.FAILED, "w1", null, null, null, null, null, why, Instant.now(),
                false));
    }

    private void alarm(KafkaProducer<String, byte[]> producer, DriftDetected alarm, CloudEventAttributes attributes)
            throws Exception {
        producer.send(new ProducerRecord<>(Topics.DRIFT, null, alarm.stream(), codec.encode(alarm),
                KafkaEvents.headers(attributes))).get();
    }

    private <T> List<T> adaptation(TestInfrastructure infra, String stream, int expected,
            io.perennial.contracts.events.EventType<T> type) {
        java.util.concurrent.atomic.AtomicReference<List<T>> out = new java.util.concurrent.atomic.AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            out.set(TestTopics.read(infra.bootstrapServers(), Topics.ADAPTATION, expected).stream()
                    .filter(r -> stream.equals(r.key())).map(events::decode).filter(e -> e.is(type))
                    .map(e -> e.dataAs(type)).toList());
            return out.get().size() >= expected;
        });
        return out.get();
    }

    private static int register(TestHttp registryHttp, String model, String version) {
        HttpResponse<String> registered = registryHttp.postJson("/v1/models/" + model + "/versions", REGISTRY_ADMIN,
                version);
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        return JSON.readTree(registered.body()).get("version").asInt();
    }

    private static String adapterVersion(int parent, String jobId, String segment) {
        return "{\"kind\":\"adapter\",\"parentVersion\":" + parent + ",\"jobId\":\"" + jobId + "\",\"adapters\":[{"
                + "\"name\":\"" + segment + "\",\"rank\":2,\"alpha\":4,\"targetModules\":[\"fc1\"],\"segment\":{"
                + "\"topic\":\"perennial.samples.loop\",\"partitions\":[{\"partition\":0,\"fromOffset\":20,"
                + "\"toOffset\":40}]}}]}";
    }

    /** The report gpu-worker attaches: accuracy per segment and, against the serving version, flip rates. */
    private static void evaluate(TestHttp registryHttp, String model, int version, Integer serving, double nfr) {
        String flips = serving == null ? "" : ",\"flips\":{\"negative\":" + nfr + ",\"positive\":" + (nfr + 0.01)
                + ",\"samples\":400}";
        HttpResponse<String> r = registryHttp.postJson("/v1/models/" + model + "/versions/" + version
                + "/evaluations", REGISTRY_ADMIN, "{\"servingVersion\":" + serving + ",\"segments\":[{\"segment\":"
                + "\"base\",\"accuracy\":0.9}]" + flips + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    private static void createTopic(String bootstrap, String stream) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(Topics.samples(stream), 1, (short) 1))).all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /** Appends {@code n} samples to the stream's topic; the trainer only counts offsets. */
    private static void produce(TestInfrastructure infra, String stream, int n) throws Exception {
        try (KafkaProducer<String, byte[]> producer = producer(infra)) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(Topics.samples(stream), 0, "x", new byte[] {1})).get();
            }
        }
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
