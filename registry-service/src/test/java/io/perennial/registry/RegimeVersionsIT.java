package io.perennial.registry;

import static io.perennial.registry.RegistryFixtures.adapter;
import static io.perennial.registry.RegistryFixtures.adapterJson;
import static io.perennial.registry.RegistryFixtures.base;
import static io.perennial.registry.RegistryFixtures.model;
import static io.perennial.testing.TestHttp.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.perennial.contracts.Topics;
import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.RegistryEvents.VersionRegistered;
import io.perennial.support.kafka.KafkaEvents;
import io.perennial.testing.PerennialIntegrationTest;
import io.perennial.testing.TestHttp;
import io.perennial.testing.TestInfrastructure;
import io.perennial.testing.TestTopics;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Versions that change which regimes are served without training (archive, prior, restore) and evaluation reports
 * with archived segments, through the HTTP API against real PostgreSQL and the broker.
 */
@PerennialIntegrationTest(properties = {"spring.config.name=registry-service",
        "perennial.security.bootstrap-admin-password=registry-admin-password"})
class RegimeVersionsIT {

    static final String ADMIN = TestHttp.basic("admin", "registry-admin-password");
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String GATE = "{\"maxNegativeFlipRate\":0.02,\"maxForgetting\":0.05,\"minNewestAccuracy\":0.7,"
            + "\"minImprovement\":0.0}";

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    KafkaEvents events;

    @Test
    void archivePriorAndRestoreVersionsAreRegisteredWithTheirLineageAndTheGateSkipsArchivedSegments(
            TestInfrastructure infra) {
        TestHttp http = new TestHttp(port);
        assertThat(http.postJson("/v1/models", ADMIN, model("regimes")).statusCode()).isEqualTo(201);
        assertThat(http.send("PUT", "/v1/models/regimes/gate", ADMIN, "application/json", GATE).statusCode())
                .isEqualTo(200);
        // v1 base learned seg-0; v2 adapter learned seg-1; both serve in turn
        created(http.postJson("/v1/models/regimes/versions", ADMIN, base()));
        evaluate(http, 1, null, probe("seg-0", 0.9, null, false));
        promoted(http, 1);
        created(http.postJson("/v1/models/regimes/versions", ADMIN, adapter(1, "seg-1")));
        evaluate(http, 2, 1, probe("seg-0", 0.89, 0.01, false), probe("seg-1", 0.9, 0.0, false));
        promoted(http, 2);

        // What a version that trains nothing may not carry; a refused registration consumes no number.
        HttpResponse<String> orphan = http.postJson("/v1/models/regimes/versions", ADMIN,
                "{\"kind\":\"archive\",\"adapters\":[]}");
        assertProblem(orphan, 400);
        assertThat(field(orphan)).isEqualTo("parentVersion");
        HttpResponse<String> merged = http.postJson("/v1/models/regimes/versions", ADMIN, "{\"kind\":\"prior\","
                + "\"parentVersion\":2,\"merge\":{\"method\":\"ties\",\"sources\":[{\"version\":2,"
                + "\"adapter\":\"seg-1\"}]}}");
        assertProblem(merged, 400);
        assertThat(field(merged)).isEqualTo("merge");
        HttpResponse<String> added = http.postJson("/v1/models/regimes/versions", ADMIN, regimeVersion("archive", 2,
                adapterJson("seg-1", 2) + "," + adapterJson("seg-9", 2), "\"archived\":[\"seg-1\"]"));
        assertProblem(added, 400);
        assertThat(field(added)).isEqualTo("adapters[1]");
        assertThat(JSON.readTree(added.body()).get("reason").asString()).isEqualTo("new-adapter");
        assertThat(JSON.readTree(added.body()).get("detail").asString()).contains("'seg-9'");
        HttpResponse<String> retrained = http.postJson("/v1/models/regimes/versions", ADMIN, regimeVersion("restore",
                2, adapterJson("seg-1", 3), "\"archived\":[]"));
        assertProblem(retrained, 400);
        assertThat(field(retrained)).isEqualTo("adapters[0]");
        assertThat(JSON.readTree(retrained.body()).get("reason").asString()).isEqualTo("changed-adapter");
        HttpResponse<String> unknownKind = http.postJson("/v1/models/regimes/versions", ADMIN,
                "{\"kind\":\"retire\",\"parentVersion\":2}");
        assertProblem(unknownKind, 400);
        assertThat(unknownKind.body()).contains("kind");

        // v3 archives seg-1's regime: its adapter stays in the version, out of routing
        JsonNode archive = created(http.postJson("/v1/models/regimes/versions", ADMIN, regimeVersion("archive", 2,
                adapterJson("seg-1", 2), "\"archived\":[\"seg-1\"]")));
        assertThat(archive.get("version").asInt()).isEqualTo(3);
        assertThat(archive.get("kind").asString()).isEqualTo("archive");
        assertThat(archive.get("adapters")).extracting(a -> a.get("name").asString()).containsExactly("seg-1");

        // the newest segment is the one the version learned: it cannot be archived
        HttpResponse<String> newestArchived = http.postJson("/v1/models/regimes/versions/3/evaluations", ADMIN,
                "{\"servingVersion\":2,\"segments\":[" + probe("seg-0", 0.9, 0.0, false) + ","
                        + probe("seg-2", 0.85, 0.0, true) + "]}");
        assertProblem(newestArchived, 400);
        assertThat(field(newestArchived)).isEqualTo("segments[1].archived");

        // seg-1 dropped from 0.9 to 0.55 and flips a third of its probe, on purpose; the rest holds
        JsonNode report = evaluate(http, 3, 2, probe("seg-0", 0.9, 0.005, false), probe("seg-1", 0.55, 0.35, true),
                probe("seg-2", 0.85, 0.01, false));
        JsonNode segments = report.get("segments");
        assertThat(segments).extracting(s -> s.get("archived").asBoolean()).containsExactly(false, true, false);
        JsonNode summary = report.get("summary");
        assertThat(summary.get("archivedSegments").toString()).isEqualTo("[\"seg-1\"]");
        assertThat(summary.get("maxForgetting").asDouble()).isCloseTo(0.0, within(1e-9));
        assertThat(summary.get("maxForgettingSegment").asString()).isEqualTo("seg-0");
        assertThat(summary.get("backwardTransfer").asDouble()).isCloseTo((0.0 + (0.55 - 0.9)) / 2, within(1e-9));
        assertThat(summary.get("fromAccuracyMatrix").asBoolean()).isFalse();
        assertThat(summary.get("negativeFlipRate").asDouble()).isCloseTo((0.005 + 0.35 + 0.01) / 3, within(1e-9));
        assertThat(summary.get("activeNegativeFlipRate").asDouble()).isCloseTo(0.0075, within(1e-9));
        // every probe gains 0.01: overall the archived regime's flips outweigh that, on the served probes not
        assertThat(summary.get("improvement").asDouble()).isCloseTo(0.01 - (0.005 + 0.35 + 0.01) / 3, within(1e-9));
        assertThat(summary.get("activeImprovement").asDouble()).isCloseTo(0.01 - 0.0075, within(1e-9));
        // the stored report says the same
        JsonNode stored = JSON.readTree(http.get("/v1/models/regimes/versions/3/evaluations", ADMIN).body()).get(0);
        assertThat(stored.get("segments").get(1).get("archived").asBoolean()).isTrue();
        assertThat(stored.get("summary").get("archivedSegments").toString()).isEqualTo("[\"seg-1\"]");

        JsonNode dryRun = JSON.readTree(http.get("/v1/models/regimes/versions/3/gate", ADMIN).body());
        assertThat(dryRun.get("passed").asBoolean()).as(dryRun.toString()).isTrue();
        JsonNode notGated = condition(dryRun.get("conditions"), "archived-segments");
        assertThat(notGated.get("detail").asString()).startsWith("seg-1 archived: not gated");
        assertThat(condition(dryRun.get("conditions"), "max-negative-flip-rate").get("actual").asDouble())
                .isCloseTo(0.0075, within(1e-9));
        JsonNode gain = condition(dryRun.get("conditions"), "min-improvement");
        assertThat(gain.get("actual").asDouble()).isCloseTo(0.0025, within(1e-9));
        assertThat(gain.get("detail").asString()).contains("on the segments not archived");
        promoted(http, 3);

        // v4 re-estimates the base regime's priors, but breaks seg-0: refused although seg-1 stays archived
        JsonNode prior = created(http.postJson("/v1/models/regimes/versions", ADMIN, regimeVersion("prior", 3,
                adapterJson("seg-1", 2), "\"archived\":[\"seg-1\"],\"classPriors\":{\"base\":[0.7,0.3]}")));
        assertThat(prior.get("version").asInt()).isEqualTo(4);
        evaluate(http, 4, 3, probe("seg-0", 0.7, 0.15, false), probe("seg-1", 0.55, 0.0, true),
                probe("seg-2", 0.85, 0.0, false), probe("seg-3", 0.86, 0.0, false));
        HttpResponse<String> refused = http.postJson("/v1/models/regimes/versions/4/promote", ADMIN, "{}");
        assertProblem(refused, 409);
        JsonNode failed = JSON.readTree(refused.body()).get("failed");
        assertThat(failed).extracting(c -> c.get("name").asString())
                .containsExactly("max-negative-flip-rate", "max-forgetting", "min-improvement");
        assertThat(failed.get(0).get("actual").asDouble()).isCloseTo(0.05, within(1e-9));
        assertThat(failed.get(1).get("actual").asDouble()).isCloseTo(0.2, within(1e-9));
        assertThat(failed.get(1).get("detail").asString()).contains("'seg-0'");
        assertThat(alias(http, "production")).isEqualTo(3);

        // v5 restores seg-1's regime for a recurrence (window seg-3): seg-1 is gated again, and holds
        JsonNode restore = created(http.postJson("/v1/models/regimes/versions", ADMIN, regimeVersion("restore", 3,
                adapterJson("seg-1", 2), "\"archived\":[]")));
        assertThat(restore.get("version").asInt()).isEqualTo(5);
        JsonNode restored = evaluate(http, 5, 3, probe("seg-0", 0.9, 0.0, false), probe("seg-1", 0.88, 0.0, false),
                probe("seg-2", 0.85, 0.0, false), probe("seg-3", 0.87, 0.0, false));
        assertThat(restored.get("summary").get("archivedSegments")).isEmpty();
        assertThat(restored.get("summary").get("maxForgetting").asDouble()).isCloseTo(0.02, within(1e-9));
        assertThat(restored.get("summary").get("maxForgettingSegment").asString()).isEqualTo("seg-1");
        HttpResponse<String> promotedRestore = http.postJson("/v1/models/regimes/versions/5/promote", ADMIN, "{}");
        assertThat(promotedRestore.statusCode()).as(promotedRestore.body()).isEqualTo(200);
        assertThat(promotedRestore.body()).doesNotContain("archived-segments");

        // lineage: parent edges as for adapters, each node with its kind
        JsonNode lineage = JSON.readTree(http.get("/v1/models/regimes/versions/5/lineage", ADMIN).body());
        assertThat(lineage.get("base").asInt()).isEqualTo(1);
        assertThat(lineage.get("nodes")).extracting(n -> n.get("version").asInt() + ":" + n.get("kind").asString())
                .containsExactlyInAnyOrder("1:base", "2:adapter", "3:archive", "5:restore");
        assertThat(lineage.get("edges").toString()).contains("{\"from\":3,\"to\":5,\"relation\":\"parent\"")
                .contains("{\"from\":2,\"to\":3,\"relation\":\"parent\"");
        assertThat(JSON.readTree(http.get("/v1/models/regimes/versions/4/lineage", ADMIN).body()).get("edges")
                .toString()).contains("{\"from\":3,\"to\":4,\"relation\":\"parent\"");

        // listings show and filter the kind
        JsonNode page = JSON.readTree(http.get("/v1/models/regimes/versions?order=asc", ADMIN).body());
        assertThat(page.get("items")).extracting(v -> v.get("kind").asString())
                .containsExactly("base", "adapter", "archive", "prior", "restore");
        for (String kind : List.of("archive", "prior", "restore")) {
            JsonNode filtered = JSON.readTree(http.get("/v1/models/regimes/versions?kind=" + kind, ADMIN).body());
            assertThat(filtered.get("total").asInt()).as(kind).isEqualTo(1);
            assertThat(filtered.get("items").get(0).get("kind").asString()).isEqualTo(kind);
        }
        assertProblem(http.get("/v1/models/regimes/versions?kind=retire", ADMIN), 400);

        // the accuracy matrix still shows archived segments, and marks them
        JsonNode matrix = JSON.readTree(http.get("/v1/models/regimes/accuracy-matrix", ADMIN).body());
        assertThat(matrix.get("segments").toString()).isEqualTo("[\"seg-0\",\"seg-1\",\"seg-2\",\"seg-3\"]");
        assertThat(matrix.get("accuracy").get(2).toString()).isEqualTo("[0.9,0.55,0.85,null]");
        assertThat(matrix.get("archived").get(2).toString()).isEqualTo("[false,true,false,null]");
        assertThat(matrix.get("archived").get(4).toString()).isEqualTo("[false,false,false,false]");

        // metrics across versions: the archived accuracy points are marked; the count per report
        JsonNode seg1 = JSON.readTree(http.get("/v1/models/regimes/metrics/accuracy:seg-1", ADMIN).body());
        assertThat(seg1.get("points")).extracting(p -> p.get("version").asInt() + ":" + p.get("value").asDouble()
                + ":" + p.get("archived").asBoolean()).containsExactly("2:0.9:false", "3:0.55:true", "4:0.55:true",
                        "5:0.88:false");
        JsonNode count = JSON.readTree(http.get("/v1/models/regimes/metrics/archivedSegments", ADMIN).body());
        assertThat(count.get("points")).extracting(p -> p.get("value").asInt()).containsExactly(0, 0, 1, 1, 0);
        assertThat(http.get("/v1/models/regimes/metrics", ADMIN).body()).contains("activeNegativeFlipRate")
                .contains("activeImprovement");

        // the kinds are announced as registered
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<VersionRegistered> registered = TestTopics.read(infra.bootstrapServers(), Topics.REGISTRY, 5)
                    .stream().filter(r -> r.key().equals("regimes")).map(events::decode)
                    .filter(e -> e.is(EventTypes.VERSION_REGISTERED))
                    .map(e -> e.dataAs(EventTypes.VERSION_REGISTERED)).toList();
            assertThat(registered).extracting(r -> r.version() + ":" + r.kind() + "<-" + r.parentVersion())
                    .containsExactly("1:base<-null", "2:adapter<-1", "3:archive<-2", "4:prior<-3", "5:restore<-3");
        });

        // the table keeps the rule whatever writes to it
        assertThatThrownBy(() -> jdbc.update("INSERT INTO versions (model, version, kind, created_by) "
                + "VALUES ('regimes', 99, 'restore', 'test')")).isInstanceOf(DataIntegrityViolationException.class)
                .hasMessageContaining("versions_regime_kinds_have_a_parent");
    }

    @Test
    void refineVersionsTrainOneAdapterFurther(TestInfrastructure infra) {
        TestHttp http = new TestHttp(port);
        assertThat(http.postJson("/v1/models", ADMIN, model("refined")).statusCode()).isEqualTo(201);
        created(http.postJson("/v1/models/refined/versions", ADMIN, base()));
        created(http.postJson("/v1/models/refined/versions", ADMIN, adapter(1, "seg-1")));
        String grown = grown("seg-1", 2);

        // refusals, each naming the field; none consumes a number
        HttpResponse<String> orphan = http.postJson("/v1/models/refined/versions", ADMIN,
                "{\"kind\":\"refine\",\"adapters\":[" + grown + "]}");
        assertProblem(orphan, 400);
        assertThat(field(orphan)).isEqualTo("parentVersion");
        HttpResponse<String> empty = http.postJson("/v1/models/refined/versions", ADMIN,
                regimeVersion("refine", 2, "", "\"archived\":[]"));
        assertProblem(empty, 400);
        assertThat(field(empty)).isEqualTo("adapters");
        HttpResponse<String> unchanged = http.postJson("/v1/models/refined/versions", ADMIN,
                regimeVersion("refine", 2, adapterJson("seg-1", 2), "\"archived\":[]"));
        assertProblem(unchanged, 400);
        assertThat(field(unchanged)).isEqualTo("adapters");
        assertThat(JSON.readTree(unchanged.body()).get("reason").asString()).isEqualTo("no-change");
        HttpResponse<String> two = http.postJson("/v1/models/refined/versions", ADMIN,
                regimeVersion("refine", 2, grown + "," + grown("base", 2), "\"archived\":[]"));
        assertProblem(two, 400);
        assertThat(field(two)).isEqualTo("adapters[1]");
        assertThat(JSON.readTree(two.body()).get("reason").asString()).isEqualTo("several-changes");

        // v3: seg-1's adapter trained further on its grown window (offsets 100..900)
        JsonNode refined = created(http.postJson("/v1/models/refined/versions", ADMIN,
                regimeVersion("refine", 2, grown, "\"archived\":[]")));
        assertThat(refined.get("version").asInt()).isEqualTo(3);
        assertThat(refined.get("kind").asString()).isEqualTo("refine");
        assertThat(refined.get("adapters").get(0).get("segment").get("partitions").get(0).get("toOffset").asLong())
                .isEqualTo(900);
        // v4: the base regime's first adapter, next to seg-1's
        JsonNode first = created(http.postJson("/v1/models/refined/versions", ADMIN,
                regimeVersion("refine", 3, grown + "," + grown("base", 2), "\"archived\":[]")));
        assertThat(first.get("version").asInt()).isEqualTo(4);
        assertThat(first.get("adapters")).extracting(a -> a.get("name").asString()).containsExactly("seg-1", "base");

        JsonNode lineage = JSON.readTree(http.get("/v1/models/refined/versions/4/lineage", ADMIN).body());
        assertThat(lineage.get("nodes")).extracting(n -> n.get("version").asInt() + ":" + n.get("kind").asString())
                .containsExactlyInAnyOrder("1:base", "2:adapter", "3:refine", "4:refine");
        assertThat(lineage.get("edges").toString()).contains("{\"from\":3,\"to\":4,\"relation\":\"parent\"");
        JsonNode filtered = JSON.readTree(http.get("/v1/models/refined/versions?kind=refine", ADMIN).body());
        assertThat(filtered.get("total").asInt()).isEqualTo(2);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<VersionRegistered> registered = TestTopics.read(infra.bootstrapServers(), Topics.REGISTRY, 5)
                    .stream().filter(r -> r.key().equals("refined")).map(events::decode)
                    .filter(e -> e.is(EventTypes.VERSION_REGISTERED))
                    .map(e -> e.dataAs(EventTypes.VERSION_REGISTERED)).toList();
            assertThat(registered).extracting(r -> r.version() + ":" + r.kind() + "<-" + r.parentVersion())
                    .containsExactly("1:base<-null", "2:adapter<-1", "3:refine<-2", "4:refine<-3");
        });
        assertThatThrownBy(() -> jdbc.update("INSERT INTO versions (model, version, kind, created_by) "
                + "VALUES ('refined', 99, 'refine', 'test')")).isInstanceOf(DataIntegrityViolationException.class)
                .hasMessageContaining("versions_regime_kinds_have_a_parent");
    }

    /** The adapter as trained on the regime's grown window, offsets 100 to 900. */
    private static String grown(String name, int rank) {
        return adapterJson(name, rank).replace("\"toOffset\":200", "\"toOffset\":900");
    }

    private static String regimeVersion(String kind, int parent, String adapters, String router) {
        return "{\"kind\":\"" + kind + "\",\"parentVersion\":" + parent + ",\"jobId\":\"job-" + kind + "\","
                + "\"adapters\":[" + adapters + "],\"router\":{\"regimes\":[\"base\",\"seg-1\"]," + router + "}}";
    }

    private static String probe(String segment, double accuracy, Double nfr, boolean archived) {
        return "{\"segment\":\"" + segment + "\",\"accuracy\":" + accuracy + ",\"samples\":100"
                + (nfr == null ? "" : ",\"negativeFlipRate\":" + nfr + ",\"positiveFlipRate\":0.01")
                + (archived ? ",\"archived\":true" : "") + "}";
    }

    private JsonNode evaluate(TestHttp http, int version, Integer serving, String... probes) {
        HttpResponse<String> r = http.postJson("/v1/models/regimes/versions/" + version + "/evaluations", ADMIN,
                "{\"servingVersion\":" + serving + ",\"segments\":[" + String.join(",", probes) + "]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body());
    }

    private static JsonNode created(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body());
    }

    private static void promoted(TestHttp http, int version) {
        HttpResponse<String> r = http.postJson("/v1/models/regimes/versions/" + version + "/promote", ADMIN, "{}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private static String field(HttpResponse<String> problem) {
        return JSON.readTree(problem.body()).path("field").asString();
    }

    private static JsonNode condition(JsonNode conditions, String name) {
        for (JsonNode c : conditions) {
            if (c.get("name").asString().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no condition " + name + " in " + conditions);
    }

    private int alias(TestHttp http, String alias) {
        HttpResponse<String> r = http.get("/v1/models/regimes/aliases/" + alias, ADMIN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("version").asInt();
    }
}
