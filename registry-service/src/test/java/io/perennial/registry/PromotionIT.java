package io.perennial.registry;

import static io.perennial.registry.RegistryFixtures.adapter;
import static io.perennial.registry.RegistryFixtures.base;
import static io.perennial.registry.RegistryFixtures.model;
import static io.perennial.testing.TestHttp.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.perennial.contracts.Topics;
import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.RegistryEvents;
import io.perennial.contracts.events.RegistryEvents.AliasMoved;
import io.perennial.support.kafka.KafkaEvents;
import io.perennial.support.security.ApiKeyService;
import io.perennial.support.security.Role;
import io.perennial.testing.PerennialIntegrationTest;
import io.perennial.testing.TestHttp;
import io.perennial.testing.TestInfrastructure;
import io.perennial.testing.TestTopics;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@PerennialIntegrationTest(properties = {"spring.config.name=registry-service",
        "perennial.security.bootstrap-admin-password=registry-admin-password"})
class PromotionIT {

    static final String ADMIN = TestHttp.basic("admin", "registry-admin-password");
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String GATE = "{\"maxNegativeFlipRate\":0.01,\"maxForgetting\":0.1,\"minNewestAccuracy\":0.7,"
            + "\"minImprovement\":0.0}";

    @LocalServerPort
    int port;

    @Autowired
    KafkaEvents events;

    @Autowired
    ApiKeyService apiKeys;

    @Test
    void evaluationsDeriveForgettingAndFlipRatesAndListMetricsAcrossVersions() {
        TestHttp http = new TestHttp(port);
        http.postJson("/v1/models", ADMIN, model("evals"));
        http.postJson("/v1/models/evals/versions", ADMIN, base());
        HttpResponse<String> e1 = http.postJson("/v1/models/evals/versions/1/evaluations", ADMIN,
                "{\"segments\":[{\"segment\":\"s0\",\"accuracy\":0.9,\"calibrationError\":0.05,\"samples\":200}],"
                        + "\"latencyMs\":1.5,\"parameterCount\":23}");
        assertThat(e1.statusCode()).as(e1.body()).isEqualTo(201);
        assertThat(http.postJson("/v1/models/evals/versions/1/promote", ADMIN, "{}").statusCode()).isEqualTo(200);
        http.postJson("/v1/models/evals/versions", ADMIN, adapter(1, "s1"));
        HttpResponse<String> e2 = http.postJson("/v1/models/evals/versions/2/evaluations", ADMIN,
                "{\"servingVersion\":1,\"segments\":["
                        + "{\"segment\":\"s0\",\"accuracy\":0.85,\"samples\":100,\"negativeFlipRate\":0.06,"
                        + "\"positiveFlipRate\":0.01},"
                        + "{\"segment\":\"s1\",\"accuracy\":0.8,\"samples\":100,\"negativeFlipRate\":0.0,"
                        + "\"positiveFlipRate\":0.35}]}");
        assertThat(e2.statusCode()).as(e2.body()).isEqualTo(201);
        JsonNode summary = JSON.readTree(e2.body()).get("summary");
        assertThat(summary.get("averageAccuracy").asDouble()).isCloseTo(0.825, within(1e-9));
        assertThat(summary.get("backwardTransfer").asDouble()).isCloseTo(-0.05, within(1e-9));
        assertThat(summary.get("forgetting").asDouble()).isCloseTo(0.05, within(1e-9));
        assertThat(summary.get("fromAccuracyMatrix").asBoolean()).isTrue();
        assertThat(summary.get("negativeFlipRate").asDouble()).isCloseTo(0.03, within(1e-9));
        assertThat(summary.get("positiveFlipRate").asDouble()).isCloseTo(0.18, within(1e-9));
        assertThat(summary.get("improvement").asDouble()).isCloseTo(0.15, within(1e-9));

        JsonNode series = JSON.readTree(http.get("/v1/models/evals/metrics/averageAccuracy", ADMIN).body());
        assertThat(series.get("points")).extracting(p -> p.get("version").asInt()).containsExactly(1, 2);
        assertThat(series.get("points").get(1).get("value").asDouble()).isCloseTo(0.825, within(1e-9));
        JsonNode s0 = JSON.readTree(http.get("/v1/models/evals/metrics/accuracy:s0", ADMIN).body());
        assertThat(s0.get("points")).extracting(p -> p.get("value").asDouble()).containsExactly(0.9, 0.85);
        assertThat(http.get("/v1/models/evals/metrics", ADMIN).body()).contains("negativeFlipRate")
                .contains("latencyMs").contains("parameterCount").contains("calibrationError");
        JsonNode matrix = JSON.readTree(http.get("/v1/models/evals/accuracy-matrix", ADMIN).body());
        assertThat(matrix.get("segments").toString()).isEqualTo("[\"s0\",\"s1\"]");
        assertThat(matrix.get("accuracy").toString()).isEqualTo("[[0.9,null],[0.85,0.8]]");

        assertProblem(http.postJson("/v1/models/evals/versions/2/evaluations", ADMIN,
                "{\"segments\":[{\"segment\":\"s0\",\"accuracy\":1.5}]}"), 400);
        assertProblem(http.postJson("/v1/models/evals/versions/2/evaluations", ADMIN,
                "{\"segments\":[{\"segment\":\"s0\",\"accuracy\":0.5},{\"segment\":\"s0\",\"accuracy\":0.5}]}"), 400);
        assertProblem(http.postJson("/v1/models/evals/versions/2/evaluations", ADMIN,
                "{\"servingVersion\":9,\"segments\":[{\"segment\":\"s0\",\"accuracy\":0.5}]}"), 400);
        assertProblem(http.postJson("/v1/models/evals/versions/2/evaluations", ADMIN, "{\"segments\":[{\"segment\":"
                + "\"s0\",\"accuracy\":0.5}],\"flips\":{\"negative\":0.1,\"positive\":0.1,\"samples\":5}}"), 400);
        assertProblem(http.postJson("/v1/models/evals/versions/9/evaluations", ADMIN,
                "{\"segments\":[{\"segment\":\"s0\",\"accuracy\":0.5}]}"), 404);
        assertThat(JSON.readTree(http.get("/v1/models/evals/versions/2/evaluations", ADMIN).body())).hasSize(1);
    }

    /** An uploaded base has no report: as the first version to serve it passes a gate without an accuracy floor. */
    @Test
    void theFirstVersionToServeNeedsNoReportUnlessTheGateSetsAnAccuracyFloor() {
        TestHttp http = new TestHttp(port);
        String operator = TestHttp.bearer(apiKeys.issue("op-first", Role.OPERATOR, List.of(), null, "test").secret());
        http.postJson("/v1/models", ADMIN, model("first"));
        assertThat(http.send("PUT", "/v1/models/first/gate", ADMIN, "application/json",
                "{\"maxNegativeFlipRate\":0.05,\"maxForgetting\":0.1}").statusCode()).isEqualTo(200);
        http.postJson("/v1/models/first/versions", ADMIN, base());
        HttpResponse<String> first = http.postJson("/v1/models/first/versions/1/promote", operator, "{}");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(JSON.readTree(first.body()).get("forced").asBoolean()).isFalse();

        // Once something has served, a version without a report cannot show what it keeps.
        http.postJson("/v1/models/first/versions", ADMIN, adapter(1, "s1"));
        HttpResponse<String> second = http.postJson("/v1/models/first/versions/2/promote", operator, "{}");
        assertProblem(second, 409);
        assertThat(second.body()).contains("\"name\":\"evaluation\"");
    }

    @Test
    void theGateRefusesWithTheFailedConditionsForceNeedsAReasonAndRollbackRestores(TestInfrastructure infra) {
        TestHttp http = new TestHttp(port);
        String operator = TestHttp.bearer(apiKeys.issue("op", Role.OPERATOR, List.of(), null, "test").secret());
        String viewer = TestHttp.bearer(apiKeys.issue("view", Role.VIEWER, List.of(), null, "test").secret());
        http.postJson("/v1/models", ADMIN, model("gated"));
        assertProblem(http.send("PUT", "/v1/models/gated/gate", operator, "application/json", GATE), 403);
        assertThat(http.send("PUT", "/v1/models/gated/gate", ADMIN, "application/json", GATE).statusCode())
                .isEqualTo(200);
        http.postJson("/v1/models/gated/versions", ADMIN, base());
        HttpResponse<String> noReport = http.postJson("/v1/models/gated/versions/1/promote", operator, "{}");
        assertProblem(noReport, 409);
        assertThat(noReport.body()).contains("\"name\":\"evaluation\"");
        evaluate(http, 1, null, 0.0, "{\"segment\":\"s0\",\"accuracy\":0.9}");
        assertProblem(http.postJson("/v1/models/gated/versions/1/promote", viewer, "{}"), 403);
        assertThat(http.postJson("/v1/models/gated/versions/1/promote", operator, "{}").statusCode()).isEqualTo(200);

        http.postJson("/v1/models/gated/versions", ADMIN, adapter(1, "s1"));
        evaluate(http, 2, 1, 0.05, "{\"segment\":\"s0\",\"accuracy\":0.88},{\"segment\":\"s1\",\"accuracy\":0.9}");
        HttpResponse<String> refused = http.postJson("/v1/models/gated/versions/2/promote", operator, "{}");
        assertProblem(refused, 409);
        JsonNode failed = JSON.readTree(refused.body()).get("failed");
        assertThat(failed).extracting(c -> c.get("name").asString()).containsExactly("max-negative-flip-rate");
        assertThat(failed.get(0).get("actual").asDouble()).isCloseTo(0.05, within(1e-9));
        assertThat(JSON.readTree(http.get("/v1/models/gated/versions/2/gate", viewer).body()).get("passed")
                .asBoolean()).isFalse();
        assertProblem(http.postJson("/v1/models/gated/versions/2/promote", operator, "{\"force\":true}"), 400);
        HttpResponse<String> forced = http.postJson("/v1/models/gated/versions/2/promote", operator,
                "{\"force\":true,\"reason\":\"hotfix for incident 42\"}");
        assertThat(forced.statusCode()).as(forced.body()).isEqualTo(200);
        assertThat(JSON.readTree(forced.body()).get("forced").asBoolean()).isTrue();
        assertThat(alias(http, "production")).isEqualTo(2);
        assertThat(alias(http, "previous")).isEqualTo(1);
        assertProblem(http.postJson("/v1/models/gated/versions/2/promote", operator, "{}"), 409);

        HttpResponse<String> rollback = http.postJson("/v1/models/gated/rollback", operator,
                "{\"reason\":\"NFR too high in production\"}");
        assertThat(rollback.statusCode()).as(rollback.body()).isEqualTo(200);
        assertThat(alias(http, "production")).isEqualTo(1);
        assertProblem(http.get("/v1/models/gated/aliases/previous", viewer), 404);
        assertProblem(http.postJson("/v1/models/gated/rollback", operator, "{}"), 409);

        String audit = http.get("/v1/models/gated/audit?limit=100", viewer).body();
        assertThat(audit).contains("hotfix for incident 42").contains("promotion.refused")
                .contains("production.rolled-back").contains("\"actor\":\"key:");
        // version 2 was served: it stays for audit
        HttpResponse<String> served = http.send("DELETE", "/v1/models/gated/versions/2", ADMIN, null, null);
        assertProblem(served, 409);
        assertThat(served.body()).contains("\"reason\":\"served\"");

        List<AliasMoved> moves = TestTopics.read(infra.bootstrapServers(), Topics.REGISTRY, 4).stream()
                .filter(r -> r.key().equals("gated")).map(events::decode).filter(e -> e.is(EventTypes.ALIAS_MOVED))
                .map(e -> e.dataAs(EventTypes.ALIAS_MOVED)).toList();
        assertThat(moves).extracting(m -> m.alias() + ":" + m.previousVersion() + "->" + m.version())
                .containsExactly("production:null->1", "previous:null->1", "production:1->2", "production:2->1");
        assertThat(moves.get(2).reason()).isEqualTo("forced: hotfix for incident 42");
        assertThat(moves.get(3).actor()).startsWith("key:");

        // The same story as its own events: evaluations, promotions (one forced) and the rollback.
        List<io.perennial.contracts.events.Event<?>> story = TestTopics.read(infra.bootstrapServers(), Topics.REGISTRY,
                4).stream().filter(r -> r.key().equals("gated")).map(events::decode).toList();
        assertThat(story.stream().filter(e -> e.is(EventTypes.VERSION_EVALUATED))
                .map(e -> e.dataAs(EventTypes.VERSION_EVALUATED).version()).toList()).contains(1, 2);
        List<io.perennial.contracts.events.RegistryEvents.VersionPromoted> promotions = story.stream()
                .filter(e -> e.is(EventTypes.VERSION_PROMOTED)).map(e -> e.dataAs(EventTypes.VERSION_PROMOTED))
                .toList();
        assertThat(promotions).extracting(p -> p.previousVersion() + "->" + p.version() + (p.forced() ? " forced" : ""))
                .containsExactly("null->1", "1->2 forced");
        assertThat(story.stream().filter(e -> e.is(EventTypes.PRODUCTION_ROLLED_BACK))
                .map(e -> e.dataAs(EventTypes.PRODUCTION_ROLLED_BACK))
                .map(r -> r.fromVersion() + "->" + r.toVersion()).toList()).containsExactly("2->1");
        // the rollback cleared previous: announced, so the events alone tell where every alias points
        assertThat(story.stream().filter(e -> e.is(EventTypes.ALIAS_REMOVED))
                .map(e -> e.dataAs(EventTypes.ALIAS_REMOVED)).map(r -> r.alias() + ":" + r.version()).toList())
                .containsExactly("previous:1");
    }

    @Test
    void ofTwoConcurrentPromotionsExactlyOneWins() throws Exception {
        TestHttp http = new TestHttp(port);
        http.postJson("/v1/models", ADMIN, model("race"));
        http.send("PUT", "/v1/models/race/gate", ADMIN, "application/json", GATE);
        http.postJson("/v1/models/race/versions", ADMIN, base());
        evaluateIn(http, "race", 1, null, 0.0, "{\"segment\":\"s0\",\"accuracy\":0.9}");
        assertThat(http.postJson("/v1/models/race/versions/1/promote", ADMIN, "{}").statusCode()).isEqualTo(200);
        for (int v = 2; v <= 3; v++) {
            http.postJson("/v1/models/race/versions", ADMIN, adapter(1, "s" + v));
            evaluateIn(http, "race", v, 1, 0.0, "{\"segment\":\"s0\",\"accuracy\":0.9},{\"segment\":\"s" + v
                    + "\",\"accuracy\":0.9}");
        }
        for (int round = 0; round < 3; round++) {
            CyclicBarrier start = new CyclicBarrier(2);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<HttpResponse<String>>> results = new ArrayList<>();
                for (int v = 2; v <= 3; v++) {
                    int version = v;
                    results.add(pool.submit(() -> {
                        start.await();
                        return http.postJson("/v1/models/race/versions/" + version + "/promote", ADMIN, "{}");
                    }));
                }
                List<Integer> statuses = new ArrayList<>();
                int winner = 0;
                for (int i = 0; i < 2; i++) {
                    HttpResponse<String> r = results.get(i).get();
                    statuses.add(r.statusCode());
                    if (r.statusCode() == 200) {
                        winner = i + 2;
                    } else {
                        assertProblem(r, 409);
                        assertThat(r.body()).contains("serving-version");
                    }
                }
                assertThat(statuses).containsExactlyInAnyOrder(200, 409);
                assertThat(alias(http, "race", "production")).isEqualTo(winner);
                assertThat(alias(http, "race", "previous")).isEqualTo(1);
            } finally {
                pool.shutdownNow();
            }
            assertThat(http.postJson("/v1/models/race/rollback", ADMIN, "{}").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aliasesAreUniquePerModelAndReservedNamesMoveOnlyByPromotion(TestInfrastructure infra) {
        TestHttp http = new TestHttp(port);
        http.postJson("/v1/models", ADMIN, model("names"));
        http.postJson("/v1/models", ADMIN, model("elsewhere"));
        http.postJson("/v1/models/names/versions", ADMIN, base());
        http.postJson("/v1/models/names/versions", ADMIN, adapter(1, "a"));
        HttpResponse<String> created = http.postJson("/v1/models/names/aliases", ADMIN,
                "{\"alias\":\"candidate\",\"version\":2}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        HttpResponse<String> collision = http.postJson("/v1/models/names/aliases", ADMIN,
                "{\"alias\":\"candidate\",\"version\":1}");
        assertProblem(collision, 409);
        assertThat(collision.body()).contains("already points at version 2");
        assertThat(http.send("PUT", "/v1/models/names/aliases/candidate", ADMIN, "application/json",
                "{\"version\":1,\"reason\":\"re-run\"}").statusCode()).isEqualTo(200);
        assertThat(alias(http, "names", "candidate")).isEqualTo(1);
        assertThat(http.postJson("/v1/models/names/aliases", ADMIN, "{\"alias\":\"shadow-eu\",\"version\":2}")
                .statusCode()).isEqualTo(201);
        assertProblem(http.send("PUT", "/v1/models/names/aliases/production", ADMIN, "application/json",
                "{\"version\":2}"), 400);
        assertProblem(http.postJson("/v1/models/names/aliases", ADMIN, "{\"alias\":\"Bad Name\",\"version\":2}"), 400);
        assertProblem(http.postJson("/v1/models/names/aliases", ADMIN, "{\"alias\":\"x\",\"version\":9}"), 404);
        // a version of another model
        assertProblem(http.postJson("/v1/models/elsewhere/versions/2/promote", ADMIN, "{}"), 404);
        HttpResponse<String> aliased = http.send("DELETE", "/v1/models/names/versions/2", ADMIN, null, null);
        assertProblem(aliased, 409);
        assertThat(aliased.body()).contains("shadow-eu");
        String operator = TestHttp.bearer(apiKeys.issue("names-op", Role.OPERATOR, List.of(), null, "test")
                .secret());
        assertThat(http.send("DELETE", "/v1/models/names/aliases/shadow-eu?reason=region%20closed", operator, null,
                null).statusCode()).isEqualTo(204);
        assertProblem(http.send("DELETE", "/v1/models/names/aliases/shadow-eu", operator, null, null), 404);
        assertThat(http.send("DELETE", "/v1/models/names/versions/2", ADMIN, null, null).statusCode()).isEqualTo(204);
        assertThat(http.get("/v1/models/names/aliases", ADMIN).body()).contains("candidate")
                .doesNotContain("shadow-eu");
        assertThat(JSON.readTree(http.get("/v1/models/names/versions/1", ADMIN).body()).get("aliases").toString())
                .isEqualTo("[\"candidate\"]");

        // the removal is announced once, through the outbox, with who removed which version's alias and why
        List<RegistryEvents.AliasRemoved> removed = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            removed.clear();
            TestTopics.read(infra.bootstrapServers(), Topics.REGISTRY, 1).stream()
                    .filter(r -> r.key().equals("names")).map(events::decode)
                    .filter(e -> e.is(EventTypes.ALIAS_REMOVED)).map(e -> e.dataAs(EventTypes.ALIAS_REMOVED))
                    .forEach(removed::add);
            assertThat(removed).hasSize(1);
        });
        assertThat(removed.get(0).alias()).isEqualTo("shadow-eu");
        assertThat(removed.get(0).version()).isEqualTo(2);
        assertThat(removed.get(0).reason()).isEqualTo("region closed");
        assertThat(removed.get(0).actor()).startsWith("key:");
    }

    private void evaluate(TestHttp http, int version, Integer serving, double nfr, String segments) {
        evaluateIn(http, "gated", version, serving, nfr, segments);
    }

    private void evaluateIn(TestHttp http, String model, int version, Integer serving, double nfr, String segments) {
        String flips = serving == null ? "" : ",\"flips\":{\"negative\":" + nfr + ",\"positive\":" + (nfr + 0.01)
                + ",\"samples\":400}";
        HttpResponse<String> r = http.postJson("/v1/models/" + model + "/versions/" + version + "/evaluations", ADMIN,
                "{\"servingVersion\":" + serving + ",\"segments\":[" + segments + "]" + flips + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    private int alias(TestHttp http, String alias) {
        return alias(http, "gated", alias);
    }

    private int alias(TestHttp http, String model, String alias) {
        HttpResponse<String> r = http.get("/v1/models/" + model + "/aliases/" + alias, ADMIN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("version").asInt();
    }
}
