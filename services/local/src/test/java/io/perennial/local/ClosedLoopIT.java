package io.perennial.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.perennial.local.demo.DemoData;
import io.perennial.local.demo.DemoOptions;
import io.perennial.local.demo.DemoResult;
import io.perennial.local.demo.DemoRun;
import io.perennial.local.demo.PlatformApi;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The loop end to end, in one JVM as {@code ./perennial up} runs it, on a small drifting stream (the digits fixture,
 * upright then rotated 90°): one planted shift, a drift alarm, one adapter job on the new regime's offsets, one
 * registered version with its evaluation report, promotion through the gate, and predictions of the new version
 * that are better on the new regime and no worse than the gate allows on the old one.
 */
class ClosedLoopIT {

    @TempDir
    Path home;

    @Test
    void aPlantedShiftBecomesAPromotedAdapterThatServesTheNewRegime() throws Exception {
        StackConfig config = StackConfig.fromEnvironment(AllInOneStackIT.freePorts(home));
        try (Stack stack = new Stack(config)) {
            Stack.Started started = stack.start();
            DemoOptions options = new DemoOptions("loop", 2, 500, 200, 250, 100, 200, Duration.ofSeconds(150), 400,
                    400, 300, 200, 50, 15, 30, 4, home.resolve("demo"), true);
            DemoData data = DemoData.load(home, 2, options.streamPerRegime(), options.testPerRegime(), true);
            DemoResult result = new DemoRun(options, data, config::baseUrl, started.serviceToken(),
                    new PrintStream(System.out, true)).run();

            DemoResult.RegimeResult upright = result.regimes().get(0);
            DemoResult.RegimeResult rotated = result.regimes().get(1);
            assertThat(upright.version()).as("the base model was trained and promoted").isNotNull();
            assertThat(upright.accuracyAfter()).isGreaterThan(0.8);
            assertThat(rotated.secondsToAlarm()).as("the shift raised an alarm").isNotNull();
            assertThat(rotated.version()).as("an adapter for the rotated regime was promoted").isNotNull()
                    .isGreaterThan(upright.version());
            assertThat(rotated.accuracyAfter()).as("the adapted model is better on the new regime")
                    .isGreaterThan(rotated.accuracyBefore() + 0.15);
            assertThat(rotated.accuracyAfter()).isGreaterThan(rotated.frozenAccuracy() + 0.15);

            PlatformApi api = new PlatformApi(config::baseUrl, started.serviceToken());
            JsonNode jobs = api.get("trainer-service", "/v1/jobs?stream=loop").require("jobs").body();
            JsonNode adapterJob = null;
            int adapterJobs = 0;
            for (JsonNode job : jobs) {
                if (job.path("kind").asString().equals("TRAIN_ADAPTER")) {
                    adapterJobs++;
                    if (job.path("version").isNumber() && job.path("version").asInt() == rotated.version()) {
                        adapterJob = job;
                    }
                }
            }
            assertThat(adapterJobs).as("one shift, one adapter job").isEqualTo(1);
            assertThat(adapterJob).isNotNull();
            assertThat(adapterJob.path("state").asString()).isEqualTo("SUCCEEDED");
            assertThat(adapterJob.path("promotion").asString()).isEqualTo("PROMOTED");
            // The adapter trained only on the new regime: its window starts after the base window ended.
            JsonNode baseJob = null;
            for (JsonNode job : jobs) {
                if (job.path("kind").asString().equals("TRAIN_BASE")) {
                    baseJob = job;
                }
            }
            assertThat(adapterJob.path("fromOffsets").path("0").asLong())
                    .isGreaterThanOrEqualTo(baseJob.path("toOffsets").path("0").asLong());

            String jobId = adapterJob.path("id").asString();
            JsonNode versions = api.get("registry-service", "/v1/models/loop/versions?jobId=" + jobId)
                    .require("versions").body();
            assertThat(versions.path("total").asInt()).as("exactly one version per job").isEqualTo(1);
            JsonNode version = versions.path("items").get(0);
            assertThat(version.path("kind").asString()).isEqualTo("adapter");
            assertThat(version.path("parentVersion").asInt()).isEqualTo(upright.version());
            assertThat(version.path("adapters").get(0).path("segment").path("partitions").get(0).path("fromOffset")
                    .asLong()).isEqualTo(adapterJob.path("fromOffsets").path("0").asLong());

            JsonNode report = api.get("registry-service", "/v1/models/loop/versions/" + rotated.version()
                    + "/evaluations").require("evaluations").body().get(0);
            assertThat(report.path("servingVersion").asInt()).isEqualTo(upright.version());
            JsonNode segments = report.path("segments");
            assertThat(segments.get(0).path("segment").asString()).isEqualTo("base");
            assertThat(segments.get(1).path("segment").asString()).isEqualTo("seg-1");
            JsonNode baseReport = api.get("registry-service", "/v1/models/loop/versions/" + upright.version()
                    + "/evaluations").require("evaluations").body().get(0);
            double before = baseReport.path("segments").get(0).path("accuracy").asDouble();
            double after = segments.get(0).path("accuracy").asDouble();
            assertThat(after).as("no worse on the old regime than the gate allows")
                    .isGreaterThanOrEqualTo(before - DemoRun.GATE_MAX_FORGETTING);
            assertThat(segments.get(1).path("accuracy").asDouble()).isGreaterThan(0.7);

            // Features as JSON numbers and as base64 float32 are the same request; bad rows are problem+json.
            float[] row = data.regimes().get(1).test().row(0);
            JsonNode asNumbers = api.post("gpu-worker", "/v1/streams/loop/predict", java.util.Map.of("samples",
                    java.util.List.of(java.util.Map.of("id", "r", "features", row)), "publish", false))
                    .require("predict numbers").body();
            JsonNode asBase64 = api.post("gpu-worker", "/v1/streams/loop/predict", java.util.Map.of("samples",
                    java.util.List.of(java.util.Map.of("id", "r", "featuresBase64",
                            io.perennial.contracts.Float32Base64.encode(row))), "publish", false))
                    .require("predict base64").body();
            assertThat(asBase64.path("predictions")).isEqualTo(asNumbers.path("predictions"));
            for (java.util.Map<String, Object> bad : java.util.List.<java.util.Map<String, Object>>of(
                    java.util.Map.of("featuresBase64", "%%%"),
                    java.util.Map.of("featuresBase64", "AACA"),
                    java.util.Map.of("features", row, "featuresBase64", io.perennial.contracts.Float32Base64.encode(row)),
                    java.util.Map.of("featuresBase64", io.perennial.contracts.Float32Base64.encode(new float[] {1f})))) {
                PlatformApi.Answer answer = api.post("gpu-worker", "/v1/streams/loop/predict",
                        java.util.Map.of("samples", java.util.List.of(bad), "publish", false));
                assertThat(answer.status()).as(answer.raw()).isEqualTo(400);
                assertThat(answer.body().path("field").asString()).startsWith("samples[0]");
            }

            // An operator merges the adapter (the policy would at more than maxAdapters): a candidate like any other.
            JsonNode merge = api.post("trainer-service", "/v1/jobs", java.util.Map.of("stream", "loop", "kind", "MERGE",
                    "fromOffsets", java.util.Map.of(), "toOffsets", java.util.Map.of(), "parameters",
                    java.util.Map.of("sources", java.util.List.of("seg-1"), "method", "ties"))).require("merge").body();
            String mergeId = merge.path("id").asString();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> {
                JsonNode j = api.get("trainer-service", "/v1/jobs/" + mergeId).body();
                return j.path("promotion").isString() || j.path("state").asString().equals("FAILED");
            });
            JsonNode mergeJob = api.get("trainer-service", "/v1/jobs/" + mergeId).body();
            assertThat(mergeJob.path("state").asString()).as(mergeJob.toString()).isEqualTo("SUCCEEDED");
            int mergeVersion = mergeJob.path("version").asInt();
            JsonNode merged = api.get("registry-service", "/v1/models/loop/versions/" + mergeVersion).body();
            assertThat(merged.path("kind").asString()).isEqualTo("merge");
            assertThat(merged.path("merge").path("method").asString()).isEqualTo("ties");
            assertThat(merged.path("merge").path("sources").get(0).path("adapter").asString()).isEqualTo("seg-1");
            assertThat(merged.path("router").path("regimeAdapters").path("seg-1").asString()).isEqualTo("merge-1");
            assertThat(api.get("registry-service", "/v1/models/loop/versions/" + mergeVersion + "/lineage").body()
                    .toString()).contains("merged-from");
            assertThat(api.get("registry-service", "/v1/models/loop/versions/" + mergeVersion + "/evaluations")
                    .body().get(0).path("servingVersion").asInt()).isEqualTo(rotated.version());
            assertThat(mergeJob.path("promotion").asString()).isIn("PROMOTED", "BLOCKED");
            if (mergeJob.path("promotion").asString().equals("PROMOTED")) {
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> api.post("gpu-worker",
                        "/v1/streams/loop/predict", java.util.Map.of("samples", java.util.List.of(java.util.Map.of(
                                "features", data.regimes().get(1).test().row(0))), "publish", false))
                        .body().path("version").asInt() == mergeVersion);
            }
        }
    }
}
