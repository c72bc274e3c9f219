package io.perennial.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.perennial.learning.data.DomainShift;
import io.perennial.learning.data.TrainTestSplit;
import io.perennial.learning.data.UciDigits;
import io.perennial.local.bench.lifelong.LifelongData;
import io.perennial.local.bench.lifelong.LifelongScenario;
import io.perennial.local.bench.lifelong.LifelongScenario.Kind;
import io.perennial.local.bench.lifelong.LifelongScenario.Stretch;
import io.perennial.local.demo.DemoData;
import io.perennial.local.demo.DemoOptions;
import io.perennial.local.demo.DemoResult;
import io.perennial.local.demo.DemoRun;
import io.perennial.local.demo.PlatformApi;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The loop's decisions end to end, on the digits fixture, with room for one adapter: a new regime gets an adapter; a
 * second new regime archives the first to stay within {@code maxAdapters}; then every service restarts, and the
 * first regime's return is recognised as a recurrence of the archived regime and restored — no training — from the
 * archive that survived the restart.
 */
class AdaptationDecisionsIT {

    private static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    @TempDir
    Path home;

    @Test
    void aFullActiveSetArchivesAndAnArchivedRegimeThatReturnsIsRestoredAfterARestart() throws Exception {
        StackConfig config = StackConfig.fromEnvironment(AllInOneStackIT.freePorts(home));
        TrainTestSplit digits = UciDigits.split(0.3, 7);
        Map<String, DomainShift> regimes = Map.of("upright", DomainShift.identity(), "rot90",
                DomainShift.rotation(90), "rot180", DomainShift.rotation(180));
        DemoOptions options = new DemoOptions("decisions", 3, 500, 200, 250, 100, 200, Duration.ofSeconds(150), 400,
                400, 300, 200, 50, 15, 30, 1, home.resolve("demo"), true);
        try (Stack stack = new Stack(config)) {
            Stack.Started started = stack.start();
            LifelongScenario first = new LifelongScenario(regimes, List.of(
                    new Stretch("upright", Kind.BASE, "upright", null, 1, 500),
                    new Stretch("rot90", Kind.NEW, "rot90", null, 1, 500),
                    new Stretch("rot180", Kind.NEW, "rot180", null, 1, 500)));
            DemoResult result = new DemoRun(options, data(first, digits), config::baseUrl, started.serviceToken(),
                    new PrintStream(System.out, true)).run();
            assertThat(result.unadapted()).as("every regime answered").isEmpty();

            PlatformApi api = new PlatformApi(config::baseUrl, started.serviceToken());
            await().atMost(Duration.ofSeconds(30)).until(() -> decisions(api).stream()
                    .allMatch(d -> d.path("state").asString().equals("DONE")));
            List<JsonNode> decisions = decisions(api);
            assertThat(decisions).extracting(d -> d.path("decision").asString())
                    .containsExactly("NEW_REGIME", "NEW_REGIME");
            assertThat(decisions).allSatisfy(d -> assertThat(d.path("state").asString()).isEqualTo("DONE"));
            // Room for one adapter: the second new regime archived the first before its own adapter was trained.
            JsonNode production = production(api);
            assertThat(production.path("router").path("archived")).extracting(JsonNode::asString)
                    .containsExactly("seg-1");
            assertThat(jobs(api, "ARCHIVE")).hasSize(1);
            assertThat(jobs(api, "TRAIN_ADAPTER")).hasSize(2);
        }

        try (Stack stack = new Stack(config)) {
            Stack.Started started = stack.start();
            PlatformApi api = new PlatformApi(config::baseUrl, started.serviceToken());
            LifelongScenario back = new LifelongScenario(regimes, List.of(
                    new Stretch("rot180 (stable)", Kind.STABLE, "rot180", null, 1, 300),
                    new Stretch("rot90 again", Kind.RECURRENCE, "rot90", null, 1, 500)));
            DemoResult result = new DemoRun(options, data(back, digits), config::baseUrl, started.serviceToken(),
                    new PrintStream(System.out, true)).resume();
            assertThat(result.unadapted()).as("the recurrence was answered").isEmpty();

            // the trainer closes the alarm in the planner round after the restore's promotion
            await().atMost(Duration.ofSeconds(30)).until(() -> decisions(api).get(2).path("state").asString()
                    .equals("DONE"));
            JsonNode recurrence = decisions(api).get(2);
            assertThat(recurrence.path("decision").asString()).as(recurrence.toString()).isEqualTo("RESTORE");
            assertThat(recurrence.path("reason").asString()).contains("seg-1");
            assertThat(jobs(api, "TRAIN_ADAPTER")).as("a recurrence trains nothing").hasSize(2);
            JsonNode production = production(api);
            assertThat(production.path("kind").asString()).isEqualTo("restore");
            // Still one active adapter: the rot180 regime's was archived to make room for the restored one.
            assertThat(production.path("router").path("archived")).extracting(JsonNode::asString)
                    .containsExactly("seg-2");
            DemoResult.RegimeResult again = result.regimes().get(1);
            assertThat(again.accuracyAfter()).as("the restored adapter serves its regime again")
                    .isGreaterThan(again.accuracyBefore() + 0.15);
        }
    }

    private static DemoData data(LifelongScenario scenario, TrainTestSplit digits) {
        return LifelongData.build(scenario, "UCI digits (8x8)", null, DIGITS, digits.train(), digits.test(), 200, 7);
    }

    private static List<JsonNode> decisions(PlatformApi api) {
        JsonNode body = api.get("trainer-service", "/v1/decisions?stream=decisions").require("decisions").body();
        List<JsonNode> out = new ArrayList<>();
        (body.isArray() ? body : body.path("items")).forEach(out::add);
        java.util.Collections.reverse(out); // newest first from the API; oldest first here
        return out;
    }

    private static List<JsonNode> jobs(PlatformApi api, String kind) {
        List<JsonNode> out = new ArrayList<>();
        api.get("trainer-service", "/v1/jobs?stream=decisions&limit=100").require("jobs").body().forEach(j -> {
            if (j.path("kind").asString().equals(kind)) {
                out.add(j);
            }
        });
        return out;
    }

    private static JsonNode production(PlatformApi api) {
        int v = api.get("registry-service", "/v1/models/decisions/aliases/production").require("production").body()
                .path("version").asInt();
        return api.get("registry-service", "/v1/models/decisions/versions/" + v).require("version").body();
    }
}
