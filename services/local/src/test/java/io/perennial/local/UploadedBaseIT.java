package io.perennial.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.perennial.client.PerennialClient;
import io.perennial.client.SampleInput;
import io.perennial.contracts.Float32Base64;
import io.perennial.formats.spec.Activation;
import io.perennial.formats.spec.MlpSpec;
import io.perennial.learning.ContinualLearner;
import io.perennial.learning.data.DomainShift;
import io.perennial.learning.data.LabeledData;
import io.perennial.learning.data.TrainTestSplit;
import io.perennial.learning.data.UciDigits;
import io.perennial.learning.routing.RouterConfig;
import io.perennial.learning.training.TrainingConfig;
import io.perennial.learning.training.listener.TrainingListener;
import io.perennial.local.demo.DemoRun;
import io.perennial.local.demo.PlatformApi;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Bootstrapping a stream from base weights trained elsewhere, in one JVM as {@code ./perennial up} runs it: a digits
 * base trained offline with {@link ContinualLearner#trainBase}, saved, registered and promoted with
 * {@code perennial upload-base}; then upright and rotated digits stream in. The stream's {@code baseWindow} fills,
 * yet no base job is scheduled; the shift becomes one adapter job on top of the uploaded base, promoted through the
 * gate, and it predicts the rotated digits better than the uploaded base.
 */
class UploadedBaseIT {

    private static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    @TempDir
    static Path home;

    private static Stack stack;
    private static StackConfig config;
    private static PlatformApi api;
    private static LabeledData upright;
    private static LabeledData rotated;
    private static LabeledData uprightTest;
    private static LabeledData rotatedTest;
    private static Path savedBase;

    @BeforeAll
    static void startStackAndTrainABaseOffline() throws Exception {
        TrainTestSplit split = UciDigits.split(0.3, 7);
        LabeledData train = split.train();
        upright = flat(train);
        rotated = flat(DomainShift.rotation(90).apply(train)).shuffled(101);
        uprightTest = flat(split.test());
        rotatedTest = flat(DomainShift.rotation(90).apply(split.test()));
        // Trained "elsewhere" on upright digits the stream never carries (the first 600), with the stream's family.
        savedBase = home.resolve("offline-base");
        try (ContinualLearner base = ContinualLearner.trainBase(
                new MlpSpec(64, List.of(256), 10, Activation.RELU), upright.range(0, 600),
                TrainingConfig.builder().optEpochs(15).optSeed(3).build(), TrainingListener.NONE,
                RouterConfig.defaults())) {
            base.save(savedBase);
        }
        config = StackConfig.fromEnvironment(AllInOneStackIT.freePorts(home));
        stack = new Stack(config);
        api = new PlatformApi(config::baseUrl, stack.start().serviceToken());
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aStreamBootstrappedFromAnUploadedBaseAdaptsWithoutEverTrainingItsOwnBase() throws Exception {
        String stream = "uploaded";
        createStream(stream, List.of(64), DIGITS, Map.of("baseWindow", 300, "minSamplesAfterDrift", 400,
                "probeEvery", 5, "adapterEpochs", 30, "autoPromote", true));
        configureDrift(stream);

        Cli upload = cli("upload-base", "--stream", stream, "--dir", savedBase.toString(), "--promote");
        assertThat(upload.code()).as(upload.err()).isZero();
        assertThat(upload.out()).contains("Promoted: version 1");
        JsonNode base = api.get("registry-service", "/v1/models/" + stream + "/versions/1").require("base").body();
        assertThat(base.path("kind").asString()).isEqualTo("base");
        assertThat(base.path("jobId").isNull() || base.path("jobId").isMissingNode()).as(base.toString()).isTrue();
        assertThat(base.path("description").asString()).contains("perennial upload-base");
        assertThat(api.get("registry-service", "/v1/models/" + stream + "/aliases/production").body()
                .path("version").asInt()).isEqualTo(1);
        // The gate every adapter must pass, as in the demo: keep what the model knew.
        api.put("registry-service", "/v1/models/" + stream + "/gate", map("maxForgetting",
                DemoRun.GATE_MAX_FORGETTING, "maxNegativeFlipRate", DemoRun.GATE_MAX_NFR)).require("gate");

        PerennialClient client = PerennialClient.builder(URI.create(config.baseUrl("ingest-service")))
                .apiKey(serviceToken()).batchSize(50).build();
        // Upright digits the offline base never saw: more than baseWindow, which alone would start a base job.
        send(client, stream, upright.range(600, upright.size()));
        Thread.sleep(3000); // several planner rounds with a full base window
        assertThat(jobs(stream, "TRAIN_BASE")).as("no base job for an uploaded base").isEmpty();
        // The shift: rotated digits until an adapter serves.
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        int at = 0;
        while (production(stream) == 1 && System.nanoTime() < deadline) {
            send(client, stream, rotated.range(at, at + 50));
            at = (at + 50) % (rotated.size() - 50);
            Thread.sleep(100);
        }

        List<JsonNode> adapterJobs = jobs(stream, "TRAIN_ADAPTER");
        assertThat(adapterJobs).as("one shift, one adapter job; drift-service's view of the stream: %s; its threads: %s",
                api.get("drift-service", "/v1/drift/streams/" + stream + "/status").raw(), driftThreads())
                .hasSize(1);
        JsonNode job = adapterJobs.get(0);
        assertThat(job.path("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertThat(job.path("promotion").asString()).as(job.path("promotionDetail").asString()).isEqualTo("PROMOTED");
        assertThat(jobs(stream, "TRAIN_BASE")).as("never a base job").isEmpty();
        // The samples the uploaded base served before the shift are the evaluation-only probe of segment 'base'.
        JsonNode probes = job.path("parameters").path("probes");
        assertThat(probes).hasSize(1);
        assertThat(probes.get(0).path("segment").asString()).isEqualTo("base");
        assertThat(probes.get(0).path("toOffsets").path("0").asLong())
                .isEqualTo(job.path("fromOffsets").path("0").asLong());

        int adapter = job.path("version").asInt();
        assertThat(production(stream)).isEqualTo(adapter);
        JsonNode version = api.get("registry-service", "/v1/models/" + stream + "/versions/" + adapter).body();
        assertThat(version.path("kind").asString()).isEqualTo("adapter");
        assertThat(version.path("parentVersion").asInt()).as("the adapter grew on the uploaded base").isEqualTo(1);
        JsonNode report = api.get("registry-service", "/v1/models/" + stream + "/versions/" + adapter
                + "/evaluations").require("evaluations").body().get(0);
        assertThat(report.path("servingVersion").asInt()).isEqualTo(1);
        assertThat(report.path("segments").get(0).path("segment").asString()).isEqualTo("base");
        assertThat(report.path("segments").get(1).path("segment").asString()).isEqualTo("seg-1");
        assertThat(report.path("summary").path("negativeFlipRate").asDouble())
                .isLessThanOrEqualTo(DemoRun.GATE_MAX_NFR);

        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> servedVersion(stream) == adapter);
        double rotatedBefore = accuracy(stream, rotatedTest, 1);
        double rotatedAfter = accuracy(stream, rotatedTest, null);
        System.out.printf("rotated digits: uploaded base %.3f, adapted v%d %.3f%n", rotatedBefore, adapter,
                rotatedAfter);
        assertThat(rotatedAfter).as("better on the rotated regime than the uploaded base")
                .isGreaterThan(rotatedBefore + 0.15);
        assertThat(accuracy(stream, uprightTest, null)).as("still good on upright digits")
                .isGreaterThan(accuracy(stream, uprightTest, 1) - 0.1);
    }

    @Test
    void aSavedModelThatDoesNotFitTheStreamIsRefusedAndNothingIsRegistered() throws Exception {
        createStream("wide", List.of(32), DIGITS, Map.of());
        createStream("three", List.of(64), List.of("a", "b", "c"), Map.of());

        Cli shape = cli("upload-base", "--stream", "wide", "--dir", savedBase.toString(), "--promote");
        assertThat(shape.code()).isEqualTo(1);
        assertThat(shape.err()).contains("does not fit stream 'wide'").contains("input shape")
                .contains("[64]").contains("[32]").contains("nothing was uploaded");
        Cli labels = cli("upload-base", "--stream", "three", "--dir", savedBase.toString());
        assertThat(labels.code()).isEqualTo(1);
        assertThat(labels.err()).contains("labels: the saved model has 10 classes but stream 'three' has 3 labels");
        Cli notSaved = cli("upload-base", "--stream", "three", "--dir", home.toString());
        assertThat(notSaved.code()).isEqualTo(1);
        assertThat(notSaved.err()).contains("is not a model saved by ContinualLearner.save");
        Cli usage = cli("upload-base", "--dir", savedBase.toString());
        assertThat(usage.code()).isEqualTo(1);
        assertThat(usage.err()).contains("usage: ./perennial upload-base");

        for (String model : List.of("wide", "three")) {
            JsonNode versions = api.get("registry-service", "/v1/models/" + model + "/versions").require(model).body();
            assertThat(versions.path("total").asInt()).as(model).isZero();
        }
    }

    private record Cli(int code, String out, String err) {
    }

    private static Cli cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new PerennialCli(config, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(List.of(args));
        return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void createStream(String name, List<Integer> shape, List<String> labels, Map<String, Object> policy)
            throws InterruptedException {
        api.post("ingest-service", "/v1/streams", map("name", name, "inputShape", shape, "labels", labels,
                "labelRequired", true, "partitions", 1, "policy", policy)).require("creating stream " + name);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                api.get("registry-service", "/v1/models/" + name).ok()
                        && api.get("trainer-service", "/v1/policies/" + name).ok()
                        && api.get("drift-service", "/v1/drift/streams/" + name + "/config").ok());
    }

    /** Where drift-service's threads are, for a failure message. */
    private static String driftThreads() {
        StringBuilder out = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().startsWith("drift")) {
                out.append("\n").append(thread.getName()).append(' ').append(thread.getState());
                for (int i = 0; i < Math.min(12, stack.length); i++) {
                    out.append("\n    at ").append(stack[i]);
                }
            }
        });
        return out.toString();
    }

    private static void configureDrift(String stream) {
        Map<String, Object> drift = api.json().convertValue(api.get("drift-service", "/v1/drift/streams/" + stream
                + "/config").require("drift config").body(), new tools.jackson.core.type.TypeReference<>() { });
        drift.putAll(map("referenceSize", 300, "windowSize", 200, "evaluateEvery", 50, "cooldown", 400,
                "detectors", List.of("ks", "mmd"), "minSamples", 100));
        api.put("drift-service", "/v1/drift/streams/" + stream + "/config", drift).require("drift config");
    }

    private static void send(PerennialClient client, String stream, LabeledData data) {
        List<SampleInput> samples = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            samples.add(new SampleInput(null, data.row(i), DIGITS.get(data.labels()[i]), null, Map.of()));
        }
        for (int from = 0; from < samples.size(); from += 50) {
            assertThat(client.send(stream, samples.subList(from, Math.min(samples.size(), from + 50))).accepted())
                    .isPositive();
        }
    }

    private static List<JsonNode> jobs(String stream, String kind) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode j : api.get("trainer-service", "/v1/jobs?stream=" + stream).require("jobs").body()) {
            if (j.path("kind").asString().equals(kind)) {
                out.add(j);
            }
        }
        return out;
    }

    private static int production(String stream) {
        return api.get("registry-service", "/v1/models/" + stream + "/aliases/production").body()
                .path("version").asInt();
    }

    private static int servedVersion(String stream) {
        return api.post("gpu-worker", "/v1/streams/" + stream + "/predict", map("samples",
                List.of(Map.of("featuresBase64", Float32Base64.encode(rotatedTest.row(0)))), "publish", false))
                .body().path("version").asInt();
    }

    /** Accuracy of the serving version (or a pinned one) on a test set. */
    private static double accuracy(String stream, LabeledData test, Integer version) {
        int correct = 0;
        for (int from = 0; from < test.size(); from += 100) {
            int to = Math.min(test.size(), from + 100);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = from; i < to; i++) {
                rows.add(Map.of("featuresBase64", Float32Base64.encode(test.row(i))));
            }
            Map<String, Object> body = map("samples", rows, "publish", false);
            if (version != null) {
                body.put("version", version);
            }
            JsonNode predictions = api.post("gpu-worker", "/v1/streams/" + stream + "/predict", body)
                    .require("predict").body().path("predictions");
            for (int i = from; i < to; i++) {
                correct += predictions.get(i - from).path("classIndex").asInt() == test.labels()[i] ? 1 : 0;
            }
        }
        return (double) correct / test.size();
    }

    private static String serviceToken() throws java.io.IOException {
        return Files.readString(config.secretsDir().resolve("service-token")).trim();
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static LabeledData flat(LabeledData d) {
        return d.sampleShape().length == 1 ? d : d.reshape(d.featureSize());
    }
}
