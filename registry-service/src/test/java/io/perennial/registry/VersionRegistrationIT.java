package io.perennial.registry;

import static io.perennial.registry.RegistryFixtures.adapter;
import static io.perennial.registry.RegistryFixtures.adapterJson;
import static io.perennial.registry.RegistryFixtures.base;
import static io.perennial.registry.RegistryFixtures.model;
import static io.perennial.testing.TestHttp.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.perennial.contracts.Topics;
import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.RegistryEvents.VersionRegistered;
import io.perennial.contracts.events.StreamEvents.StreamCreated;
import io.perennial.contracts.events.StreamSpec;
import io.perennial.support.kafka.EventPublisher;
import io.perennial.support.kafka.KafkaEvents;
import io.perennial.support.security.ApiKeyService;
import io.perennial.support.security.Role;
import io.perennial.testing.PerennialIntegrationTest;
import io.perennial.testing.TestHttp;
import io.perennial.testing.TestInfrastructure;
import io.perennial.testing.TestTopics;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@PerennialIntegrationTest(properties = {"spring.config.name=registry-service",
        "perennial.security.bootstrap-admin-password=registry-admin-password"})
class VersionRegistrationIT {

    static final String ADMIN = TestHttp.basic("admin", "registry-admin-password");
    static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    KafkaEvents events;

    @Autowired
    ApiKeyService apiKeys;

    @Autowired
    EventPublisher publisher;

    @Test
    void versionsAreNumberedPerModelAndAnnouncedThroughTheOutbox(TestInfrastructure infra) {
        TestHttp http = new TestHttp(port);
        assertThat(http.postJson("/v1/models", ADMIN, model("digits")).statusCode()).isEqualTo(201);
        assertProblem(http.postJson("/v1/models", ADMIN, model("digits")), 409);

        HttpResponse<String> v1 = http.postJson("/v1/models/digits/versions", ADMIN, base());
        assertThat(v1.statusCode()).as(v1.body()).isEqualTo(201);
        assertThat(v1.headers().firstValue("Location")).hasValue("/v1/models/digits/versions/1");
        assertThat(JSON.readTree(v1.body()).get("createdBy").asString()).isEqualTo("admin");
        HttpResponse<String> v2 = http.postJson("/v1/models/digits/versions", ADMIN, adapter(1, "rot30"));
        assertThat(v2.statusCode()).as(v2.body()).isEqualTo(201);
        JsonNode adapterVersion = JSON.readTree(v2.body());
        assertThat(adapterVersion.get("version").asInt()).isEqualTo(2);
        assertThat(adapterVersion.get("adapters").get(0).get("segment").get("partitions").get(0).get("toOffset")
                .asLong()).isEqualTo(200);
        String merge = "{\"kind\":\"merge\",\"parentVersion\":1,\"jobId\":\"job-merge\",\"adapters\":["
                + adapterJson("merged", 2) + "],\"merge\":{\"method\":\"ties\",\"weights\":[1.0],\"density\":0.5,"
                + "\"seed\":7,\"sources\":[{\"version\":2,\"adapter\":\"rot30\"}]},"
                + "\"router\":{\"mode\":\"hard\",\"regimes\":[\"base\",\"merged\"]}}";
        HttpResponse<String> v3 = http.postJson("/v1/models/digits/versions", ADMIN, merge);
        assertThat(v3.statusCode()).as(v3.body()).isEqualTo(201);
        JsonNode merged = JSON.readTree(v3.body());
        assertThat(merged.get("merge").get("method").asString()).isEqualTo("ties");
        assertThat(merged.get("router").get("mode").asString()).isEqualTo("hard");

        // a second model numbers its versions from 1
        http.postJson("/v1/models", ADMIN, model("letters"));
        assertThat(JSON.readTree(http.postJson("/v1/models/letters/versions", ADMIN, base()).body())
                .get("version").asInt()).isEqualTo(1);

        List<VersionRegistered> registered = TestTopics.read(infra.bootstrapServers(), Topics.REGISTRY, 5).stream()
                .filter(r -> r.key().equals("digits")).map(events::decode)
                .filter(e -> e.is(EventTypes.VERSION_REGISTERED))
                .map(e -> e.dataAs(EventTypes.VERSION_REGISTERED)).toList();
        assertThat(registered).extracting(VersionRegistered::version).containsExactly(1, 2, 3);
        assertThat(registered.get(1).kind()).isEqualTo("adapter");
        assertThat(registered.get(1).parentVersion()).isEqualTo(1);
        assertThat(registered.get(2).jobId()).isEqualTo("job-merge");

        JsonNode lineage = JSON.readTree(http.get("/v1/models/digits/versions/3/lineage", ADMIN).body());
        assertThat(lineage.get("base").asInt()).isEqualTo(1);
        assertThat(lineage.get("nodes")).hasSize(3);
        assertThat(lineage.get("edges").toString()).contains("{\"from\":1,\"to\":3,\"relation\":\"parent\"")
                .contains("{\"from\":2,\"to\":3,\"relation\":\"merged-from\",\"adapter\":\"rot30\"}")
                .contains("{\"from\":1,\"to\":2,\"relation\":\"parent\"");
        assertThat(http.get("/v1/models/digits/audit", ADMIN).body()).contains("version.registered");
    }

    @Test
    void invalidReferencesAnswerProblemsAndLeaveNoRows() {
        TestHttp http = new TestHttp(port);
        http.postJson("/v1/models", ADMIN, model("refs"));
        http.postJson("/v1/models", ADMIN, model("other"));
        http.postJson("/v1/models/other/versions", ADMIN, base());
        http.postJson("/v1/models/other/versions", ADMIN, base());
        http.postJson("/v1/models/refs/versions", ADMIN, base());
        http.postJson("/v1/models/refs/versions", ADMIN, base());
        assertThat(http.send("DELETE", "/v1/models/refs/versions/2", ADMIN, null, null).statusCode()).isEqualTo(204);
        int versions = count("versions");
        int edges = count("version_edges");
        int audits = count("audit_events");
        int outbox = count("outbox");

        HttpResponse<String> unknownParent = http.postJson("/v1/models/refs/versions", ADMIN, adapter(9, "a"));
        assertProblem(unknownParent, 400);
        assertThat(unknownParent.body()).contains("\"field\":\"parentVersion\"").contains("unknown-version");
        // version 2 exists in 'other' only: a version of another model is not a parent
        HttpResponse<String> otherModels = http.postJson("/v1/models/refs/versions", ADMIN, adapter(2, "a"));
        assertProblem(otherModels, 400);
        assertThat(otherModels.body()).contains("model 'refs' has no version 2");
        HttpResponse<String> cycle = http.postJson("/v1/models/refs/versions", ADMIN, adapter(3, "a"));
        assertProblem(cycle, 400);
        assertThat(cycle.body()).contains("\"reason\":\"cycle\"");
        HttpResponse<String> self = http.postJson("/v1/models/refs/versions", ADMIN,
                "{\"kind\":\"merge\",\"parentVersion\":1,\"merge\":{\"method\":\"ties\",\"sources\":[{\"version\":3,"
                        + "\"adapter\":\"x\"}]}}");
        assertProblem(self, 400);
        assertThat(self.body()).contains("cycle").contains("merge.sources[0]");
        HttpResponse<String> noAdapter = http.postJson("/v1/models/refs/versions", ADMIN,
                "{\"kind\":\"merge\",\"parentVersion\":1,\"merge\":{\"method\":\"ties\",\"sources\":[{\"version\":1,"
                        + "\"adapter\":\"x\"}]}}");
        assertProblem(noAdapter, 400);
        assertThat(noAdapter.body()).contains("has no adapter 'x'");
        HttpResponse<String> rank = http.postJson("/v1/models/refs/versions", ADMIN,
                "{\"kind\":\"adapter\",\"parentVersion\":1,\"adapters\":[" + adapterJson("big", 9) + "]}");
        assertProblem(rank, 400);
        assertThat(rank.body()).contains("rank r=9").contains("adapters[0]");
        HttpResponse<String> layer = http.postJson("/v1/models/refs/versions", ADMIN, "{\"kind\":\"adapter\","
                + "\"parentVersion\":1,\"adapters\":[" + adapterJson("l", 2).replace("\"fc1\"", "\"conv9\"") + "]}");
        assertProblem(layer, 400);
        assertThat(layer.body()).contains("no linear layer 'conv9'");
        assertProblem(http.postJson("/v1/models/refs/versions", ADMIN, "{\"kind\":\"adapter\",\"adapters\":[]}"), 400);
        HttpResponse<String> zero = http.postJson("/v1/models/refs/versions", ADMIN,
                "{\"kind\":\"adapter\",\"parentVersion\":1,\"adapters\":[" + adapterJson("zero", 0) + "]}");
        assertProblem(zero, 400);
        assertThat(zero.body()).contains("adapters[0].rank");
        HttpResponse<String> offsets = http.postJson("/v1/models/refs/versions", ADMIN, "{\"kind\":\"adapter\","
                + "\"parentVersion\":1,\"adapters\":[" + adapterJson("neg", 2).replace("\"fromOffset\":100",
                        "\"fromOffset\":-1") + "]}");
        assertProblem(offsets, 400);
        assertThat(offsets.body()).contains("adapters[0].segment.partitions[0].fromOffset");
        assertProblem(http.postJson("/v1/models/refs/versions", ADMIN, "{\"kind\":\"tree\"}"), 400);
        assertProblem(http.postJson("/v1/models/refs/versions", ADMIN, "{\"kind\":\"base\",\"artifacts\":[{\"name\":"
                + "\"w\",\"sha256\":\"" + "0".repeat(64) + "\"}]}"), 400);
        assertProblem(http.postJson("/v1/models/nope/versions", ADMIN, base()), 404);
        assertProblem(http.get("/v1/models/refs/versions/7", ADMIN), 404);

        assertThat(count("versions")).isEqualTo(versions);
        assertThat(count("version_edges")).isEqualTo(edges);
        assertThat(count("audit_events")).isEqualTo(audits);
        assertThat(count("outbox")).isEqualTo(outbox);
        // rolled-back registrations do not consume numbers
        assertThat(JSON.readTree(http.postJson("/v1/models/refs/versions", ADMIN, adapter(1, "a")).body())
                .get("version").asInt()).isEqualTo(3);
    }

    @Test
    void concurrentRegistrationsGetDistinctConsecutiveNumbers() throws Exception {
        TestHttp http = new TestHttp(port);
        http.postJson("/v1/models", ADMIN, model("busy"));
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                calls.add(() -> {
                    HttpResponse<String> r = http.postJson("/v1/models/busy/versions", ADMIN, base());
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                    return JSON.readTree(r.body()).get("version").asInt();
                });
            }
            List<Integer> numbers = new ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(calls)) {
                numbers.add(f.get());
            }
            Collections.sort(numbers);
            assertThat(numbers).isEqualTo(IntStream.rangeClosed(1, 24).boxed().toList());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void listingPagesAndFiltersVersions() {
        TestHttp http = new TestHttp(port);
        http.postJson("/v1/models", ADMIN, model("paged"));
        http.postJson("/v1/models/paged/versions", ADMIN, base());
        for (int i = 0; i < 6; i++) {
            http.postJson("/v1/models/paged/versions", ADMIN, adapter(1, "a" + i));
        }
        JsonNode page = JSON.readTree(http.get("/v1/models/paged/versions?limit=2&offset=1", ADMIN).body());
        assertThat(page.get("total").asInt()).isEqualTo(7);
        assertThat(page.get("items")).extracting(n -> n.get("version").asInt()).containsExactly(6, 5);
        JsonNode bases = JSON.readTree(http.get("/v1/models/paged/versions?kind=base", ADMIN).body());
        assertThat(bases.get("total").asInt()).isEqualTo(1);
        JsonNode job = JSON.readTree(http.get("/v1/models/paged/versions?jobId=job-a3&order=asc", ADMIN).body());
        assertThat(job.get("items")).extracting(n -> n.get("version").asInt()).containsExactly(5);
        JsonNode range = JSON.readTree(http.get("/v1/models/paged/versions?minVersion=3&maxVersion=4&order=asc",
                ADMIN).body());
        assertThat(range.get("items")).extracting(n -> n.get("version").asInt()).containsExactly(3, 4);
        assertProblem(http.get("/v1/models/paged/versions?limit=0", ADMIN), 400);
        assertProblem(http.get("/v1/models/paged/versions?kind=tree", ADMIN), 400);
    }

    @Test
    void viewersReadOperatorsRegisterAdminsDelete() {
        TestHttp http = new TestHttp(port);
        http.postJson("/v1/models", ADMIN, model("roles"));
        String viewer = TestHttp.bearer(apiKeys.issue("viewer", Role.VIEWER, List.of(), null, "test").secret());
        String operator = TestHttp.bearer(apiKeys.issue("operator", Role.OPERATOR, List.of(), null, "test").secret());
        assertProblem(http.postJson("/v1/models/roles/versions", null, base()), 401);
        assertProblem(http.postJson("/v1/models/roles/versions", viewer, base()), 403);
        assertThat(http.postJson("/v1/models/roles/versions", operator, base()).statusCode()).isEqualTo(201);
        assertThat(http.postJson("/v1/models/roles/versions", operator, adapter(1, "x")).statusCode()).isEqualTo(201);
        assertThat(http.get("/v1/models/roles/versions/1", viewer).statusCode()).isEqualTo(200);
        assertProblem(http.send("DELETE", "/v1/models/roles/versions/2", operator, null, null), 403);
        HttpResponse<String> parent = http.send("DELETE", "/v1/models/roles/versions/1", ADMIN, null, null);
        assertProblem(parent, 409);
        assertThat(parent.body()).contains("has-descendants");
        assertThat(http.send("DELETE", "/v1/models/roles/versions/2", ADMIN, null, null).statusCode()).isEqualTo(204);
        assertProblem(http.get("/v1/models/roles/versions/2", viewer), 404);
        assertThat(http.get("/v1/models/roles/audit", viewer).body()).contains("version.deleted");
        // the audit log is append-only
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> jdbc.update("DELETE FROM audit_events"))
                .hasMessageContaining("append-only");
    }

    @Test
    void aNewStreamGetsOneModelAnnouncedOnceEvenIfItsEventArrivesTwice(TestInfrastructure infra) throws Exception {
        StreamSpec spec = new StreamSpec("sensors", List.of(4), List.of("a", "b"), false, 1, 3_600_000L,
                Map.of("family", "mlp", "input_dim", 4, "hidden", List.of(3), "classes", 2), Map.of());
        publisher.publish(EventTypes.STREAM_CREATED, "sensors", new StreamCreated(spec)).get(30, TimeUnit.SECONDS);
        publisher.publish(EventTypes.STREAM_CREATED, "sensors", new StreamCreated(spec)).get(30, TimeUnit.SECONDS);
        TestHttp http = new TestHttp(port);
        Awaitility.await().atMost(Duration.ofSeconds(60))
                .until(() -> http.get("/v1/models/sensors", ADMIN).statusCode() == 200);
        JsonNode model = JSON.readTree(http.get("/v1/models/sensors", ADMIN).body());
        assertThat(model.get("stream").asString()).isEqualTo("sensors");
        assertThat(model.get("family").get("input_dim").asInt()).isEqualTo(4);
        // the model family drives validation: a rank above fc2's limit (min(3, 2) = 2) is refused
        assertThat(http.postJson("/v1/models/sensors/versions", ADMIN, base()).statusCode()).isEqualTo(201);
        HttpResponse<String> rank = http.postJson("/v1/models/sensors/versions", ADMIN, "{\"kind\":\"adapter\","
                + "\"parentVersion\":1,\"adapters\":[" + adapterJson("r3", 3).replace("\"fc1\"", "\"fc2\"") + "]}");
        assertProblem(rank, 400);
        assertThat(rank.body()).contains("max rank 2");
        List<String> created = TestTopics.read(infra.bootstrapServers(), Topics.REGISTRY, 1).stream()
                .filter(r -> r.key().equals("sensors")).map(events::decode)
                .filter(e -> e.is(EventTypes.MODEL_CREATED)).map(e -> e.dataAs(EventTypes.MODEL_CREATED).stream())
                .toList();
        assertThat(created).containsExactly("sensors");
    }

    int count(String table) {
        return jdbc.queryForObject("SELECT count(*) FROM " + table, Integer.class);
    }
}
