package io.perennial.ingest;

import static io.perennial.testing.TestHttp.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.perennial.contracts.Float32Base64;
import io.perennial.contracts.Topics;
import io.perennial.contracts.events.EventCodec;
import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.SampleEvents.Sample;
import io.perennial.support.kafka.DeadLetters;
import io.perennial.support.kafka.KafkaEvents;
import io.perennial.support.security.ApiKeyService;
import io.perennial.testing.PerennialIntegrationTest;
import io.perennial.testing.TestHttp;
import io.perennial.testing.TestInfrastructure;
import io.perennial.testing.TestTopics;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

@PerennialIntegrationTest(properties = {"spring.config.name=ingest-service",
        "perennial.security.bootstrap-admin-password=ingest-admin-password",
        "perennial.web.max-request-size-by-path[/v1/streams/*/samples]=200KB"})
class SampleIngestIT {

    private static final String ADMIN = TestHttp.basic("admin", "ingest-admin-password");
    private static final String NDJSON = "application/x-ndjson";

    @LocalServerPort
    int port;

    @Autowired
    ApiKeyService apiKeys;

    @Autowired
    EventCodec codec;

    @Autowired
    KafkaEvents events;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Autowired
    MeterRegistry meters;

    private TestHttp http;

    @BeforeEach
    void streams() {
        http = new TestHttp(port);
        for (String name : List.of("tiny", "img", "strict")) {
            if (http.get("/v1/streams/" + name, ADMIN).statusCode() == 404) {
                String shape = name.equals("img") ? "[1,2,2]" : "[3]";
                String required = name.equals("strict") ? ",\"labelRequired\":true" : "";
                assertThat(http.postJson("/v1/streams", ADMIN, "{\"name\":\"" + name + "\",\"inputShape\":" + shape
                        + ",\"labels\":[\"cat\",\"dog\"]" + required + "}").statusCode()).isEqualTo(201);
            }
        }
    }

    @Test
    void validRecordsAreWrittenWithCloudEventHeadersAndAcknowledgedOffsets(TestInfrastructure infra) {
        assertThat(http.postJson("/v1/streams", ADMIN,
                "{\"name\":\"headers\",\"inputShape\":[3],\"labels\":[\"cat\",\"dog\"]}").statusCode()).isEqualTo(201);
        HttpResponse<String> array = http.postJson("/v1/streams/headers/samples", ADMIN, """
                [{"id":"a-1","features":[1,2,3],"label":"cat","timestamp":"2026-11-22T10:00:00Z","attributes":{"src":"t"}},
                 {"features":[0.5,-1e3,7],"timestamp":1795341039716}]""");
        assertThat(array.statusCode()).as(array.body()).isEqualTo(202);
        assertThat(array.body()).contains("\"accepted\":2").contains("\"rejected\":0").contains("\"offsets\"");

        HttpResponse<String> nested = http.send("POST", "/v1/streams/img/samples", ADMIN, NDJSON,
                "{\"id\":\"n-1\",\"features\":[[[1,2],[3,4]]]}\n{\"id\":\"n-2\",\"features\":[1,2,3,4]}\n\n");
        assertThat(nested.statusCode()).as(nested.body()).isEqualTo(202);

        List<ConsumerRecord<String, byte[]>> records = TestTopics.read(infra.bootstrapServers(), Topics.samples("headers"), 2);
        Map<String, Sample> byId = records.stream().map(r -> codec.read(r.value(), Sample.class))
                .collect(Collectors.toMap(Sample::id, s -> s));
        assertThat(byId).hasSize(2).containsKey("a-1");
        assertThat(byId.get("a-1").features()).containsExactly(1f, 2f, 3f);
        assertThat(byId.get("a-1").attributes()).containsEntry("src", "t");
        String generated = byId.keySet().stream().filter(id -> !id.equals("a-1")).findFirst().orElseThrow();
        assertThat(generated).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        ConsumerRecord<String, byte[]> first = records.get(0);
        assertThat(KafkaEvents.lastHeader(first.headers(), "ce_type")).isEqualTo("io.perennial.sample.ingested");
        assertThat(KafkaEvents.lastHeader(first.headers(), "ce_subject")).isEqualTo("headers");
        assertThat(KafkaEvents.lastHeader(first.headers(), "ce_id")).isEqualTo(first.key());

        List<ConsumerRecord<String, byte[]>> images = TestTopics.read(infra.bootstrapServers(), Topics.samples("img"), 2)
                .stream().filter(r -> r.key().startsWith("n-")).toList();
        assertThat(images).extracting(r -> codec.read(r.value(), Sample.class).features())
                .containsOnly(new float[] {1, 2, 3, 4}).hasSize(2);
    }

    @Test
    void featuresMayComeAsBase64Float32AndAreStoredAsTheSameSamples(TestInfrastructure infra) {
        assertThat(http.postJson("/v1/streams", ADMIN,
                "{\"name\":\"b64\",\"inputShape\":[3],\"labels\":[\"cat\",\"dog\"]}").statusCode()).isEqualTo(201);
        String ok = Float32Base64.encode(new float[] {0.1f, -2.5f, 3e-7f});
        String body = String.join("\n",
                "{\"id\":\"b-1\",\"featuresBase64\":\"" + ok + "\",\"label\":\"cat\"}",
                "{\"id\":\"b-2\",\"features\":[0.1,-2.5,3e-7],\"label\":\"cat\"}",
                "{\"featuresBase64\":\"" + Float32Base64.encode(new float[] {1, 2}) + "\"}",
                "{\"featuresBase64\":\"" + Float32Base64.encode(new float[] {1, Float.NaN, 2}) + "\"}",
                "{\"featuresBase64\":\"%%%\"}",
                "{\"featuresBase64\":[1,2,3]}",
                "{\"features\":[1,2,3],\"featuresBase64\":\"" + ok + "\"}");
        HttpResponse<String> response = http.send("POST", "/v1/streams/b64/samples", ADMIN, NDJSON, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(response.body()).contains("\"accepted\":2").contains("\"rejected\":5")
                .contains("{\"index\":2,\"field\":\"featuresBase64\",\"reason\":\"expected 3 float32 values for "
                        + "shape [3], got 2\"}")
                .contains("\"index\":3,\"field\":\"featuresBase64[1]\",\"reason\":\"not a finite 32-bit float: NaN\"")
                .contains("\"index\":4,\"field\":\"featuresBase64\",\"reason\":\"not base64 of float32 values")
                .contains("\"index\":5,\"field\":\"featuresBase64\",\"reason\":\"featuresBase64 must be a base64 string")
                .contains("\"index\":6,\"field\":\"featuresBase64\",\"reason\":\"give features or featuresBase64, not both\"");
        Map<String, Sample> byId = TestTopics.read(infra.bootstrapServers(), Topics.samples("b64"), 2).stream()
                .map(r -> codec.read(r.value(), Sample.class)).collect(Collectors.toMap(Sample::id, x -> x));
        assertThat(byId.get("b-1").features()).containsExactly(0.1f, -2.5f, 3e-7f);
        assertThat(byId.get("b-1").features()).isEqualTo(byId.get("b-2").features());
    }

    @Test
    void badRecordsAreReportedByIndexAndFieldWhileGoodOnesAreWritten() {
        String body = String.join("\n",
                "{\"id\":\"ok-1\",\"features\":[1,2,3]}",
                "{\"features\":[1,2]}",
                "{\"features\":[1,\"two\",3]}",
                "{\"features\":[1,2,3],\"label\":\"cow\"}",
                "{\"features\": [1, 2, 3",
                "{\"features\":[1,2,3e39]}",
                "{\"id\":\"ok-1\",\"features\":[1,2,3]}",
                "{\"features\":[1,2,NaN]}",
                "[1,2,3]",
                "{\"features\":[1,2,3],\"color\":\"red\"}",
                "{\"id\":\"ok-2\",\"features\":[[1,2,3]]}");
        HttpResponse<String> response = http.send("POST", "/v1/streams/tiny/samples", ADMIN, NDJSON, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(response.body()).contains("\"accepted\":1").contains("\"rejected\":10")
                .contains("{\"index\":1,\"field\":\"features\",\"reason\":\"expected 3 features for shape [3], got 2\"}")
                .contains("\"index\":2,\"field\":\"features[1]\",\"reason\":\"expected a number, got a string\"")
                .contains("\"index\":3,\"field\":\"label\"")
                .contains("\"index\":4,\"field\":null,\"reason\":\"malformed JSON")
                .contains("\"index\":5,\"field\":\"features[2]\",\"reason\":\"not a finite 32-bit float")
                .contains("\"index\":6,\"field\":\"id\",\"reason\":\"duplicate id 'ok-1' in this request\"")
                .contains("\"index\":7,\"field\":null,\"reason\":\"malformed JSON")
                .contains("\"index\":8,\"field\":null,\"reason\":\"a record must be a JSON object\"")
                .contains("\"index\":9,\"field\":\"color\",\"reason\":\"unknown field\"")
                .contains("\"index\":10,\"field\":\"features\"");
    }

    @Test
    void requestsThatWriteNothingAreProblems() {
        assertProblem(http.postJson("/v1/streams/tiny/samples", ADMIN, ""), 400);
        assertProblem(http.postJson("/v1/streams/tiny/samples", ADMIN, "[]"), 400);
        assertProblem(http.postJson("/v1/streams/tiny/samples", ADMIN, "{\"features\":[1,2,3]}"), 400);
        HttpResponse<String> allBad = http.postJson("/v1/streams/tiny/samples", ADMIN, "[{\"features\":[]}]");
        assertProblem(allBad, 400);
        assertThat(allBad.body()).contains("\"accepted\":0").contains("\"index\":0");
        HttpResponse<String> truncated = http.postJson("/v1/streams/tiny/samples", ADMIN,
                "[{\"id\":\"t-1\",\"features\":[1,2,3]}, {\"features\":[1,");
        assertProblem(truncated, 400);
        assertThat(truncated.body()).contains("\"accepted\":1").contains("records before it were written");
        assertProblem(http.postJson("/v1/streams/nope/samples", ADMIN, "[]"), 404);
        assertProblem(http.postJson("/v1/streams/..%2F..%2Fetc/samples", ADMIN, "[]"), 400);
        assertProblem(http.postJson("/v1/streams/a%00b/samples", ADMIN, "[]"), 400);
        assertProblem(http.send("POST", "/v1/streams/tiny/samples", ADMIN, "text/csv", "1,2,3"), 415);
        String big = "[" + IntStream.range(0, 12000).mapToObj(i -> "{\"features\":[1,2,3]}")
                .collect(Collectors.joining(",")) + "]";
        assertProblem(http.postJson("/v1/streams/tiny/samples", ADMIN, big), 413);
        assertProblem(http.postChunked("/v1/streams/tiny/samples", ADMIN, "application/json", big), 413);
        assertProblem(http.send("POST", "/v1/streams/strict/samples", ADMIN, NDJSON, "{\"features\":[1,2,3]}"), 400);
    }

    @Test
    void atomicRequestsWriteNothingWhenOneRecordIsInvalid(TestInfrastructure infra) {
        HttpResponse<String> rejected = http.postJson("/v1/streams/strict/samples?atomic=true", ADMIN,
                "[{\"id\":\"x-1\",\"features\":[1,2,3],\"label\":\"cat\"},{\"id\":\"x-2\",\"features\":[1,2,3]}]");
        assertProblem(rejected, 400);
        assertThat(rejected.body()).contains("nothing was written").contains("\"index\":1");
        HttpResponse<String> accepted = http.postJson("/v1/streams/strict/samples?atomic=true", ADMIN,
                "[{\"id\":\"y-1\",\"features\":[1,2,3],\"label\":\"cat\"},{\"id\":\"y-2\",\"features\":[1,2,3],\"label\":\"dog\"}]");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(TestTopics.read(infra.bootstrapServers(), Topics.samples("strict"), 2))
                .extracting(ConsumerRecord::key).containsExactlyInAnyOrder("y-1", "y-2");
    }

    @Test
    void keysAreScopedToTheirStream() {
        String tinyWriter = TestHttp.bearer(apiKeys.issue("w", null, List.of("samples:write:tiny"), null, "t").secret());
        assertThat(http.postJson("/v1/streams/tiny/samples", tinyWriter, "[{\"features\":[1,2,3]}]").statusCode())
                .isEqualTo(202);
        assertProblem(http.postJson("/v1/streams/img/samples", tinyWriter, "[{\"features\":[1,2,3,4]}]"), 403);
        assertProblem(http.postJson("/v1/streams", tinyWriter,
                "{\"name\":\"z\",\"inputShape\":[1],\"labels\":[\"a\",\"b\"]}"), 403);
        assertProblem(http.postJson("/v1/streams/tiny/samples", null, "[]"), 401);
    }

    @Test
    void lateLabelsArePublishedKeyedBySampleId(TestInfrastructure infra) {
        HttpResponse<String> response = http.postJson("/v1/streams/tiny/labels", ADMIN,
                "[{\"id\":\"a-1\",\"label\":\"dog\"},{\"id\":\"a-2\",\"label\":\"cow\"}]");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(response.body()).contains("\"accepted\":1").contains("\"rejected\":1");
        List<ConsumerRecord<String, byte[]>> labels = TestTopics.read(infra.bootstrapServers(), Topics.LABELS, 1);
        assertThat(labels).hasSize(1);
        assertThat(events.decode(labels.get(0)).dataAs(EventTypes.LABEL_ASSIGNED).label()).isEqualTo("dog");
        assertProblem(http.postJson("/v1/streams/tiny/labels", ADMIN, "[{\"id\":\"a-1\",\"label\":\"cow\"}]"), 400);
    }

    @Test
    void kafkaIngestForwardsValidRecordsOnceAndDeadLettersTheRest(TestInfrastructure infra) throws Exception {
        assertThat(http.postJson("/v1/streams", ADMIN,
                "{\"name\":\"kafkain\",\"inputShape\":[2,2],\"labels\":[\"cat\",\"dog\"]}").statusCode())
                .isEqualTo(201);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                infra.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.ingest("kafkain"), "k1",
                    "{\"id\":\"kafka-1\",\"features\":[1,2,3,4]}".getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(Topics.ingest("kafkain"), "k2",
                    "{\"features\":[1,2]}".getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(Topics.ingest("kafkain"), "k3",
                    "not json".getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(Topics.ingest("kafkain"), "k4",
                    "{\"features\":[4,3,2,1],\"label\":\"dog\"}".getBytes(StandardCharsets.UTF_8))).get();
        }
        List<ConsumerRecord<String, byte[]>> samples = TestTopics.read(infra.bootstrapServers(), Topics.samples("kafkain"), 2);
        assertThat(samples).hasSize(2);
        assertThat(samples).extracting(ConsumerRecord::key).contains("kafka-1");
        List<ConsumerRecord<String, byte[]>> dead = TestTopics.read(infra.bootstrapServers(), Topics.DLQ, 2).stream()
                .filter(r -> Topics.ingest("kafkain").equals(KafkaEvents.lastHeader(r.headers(),
                        DeadLetters.SOURCE_TOPIC_HEADER))).toList();
        assertThat(dead).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("k2", "k3");
        assertThat(dead).extracting(r -> KafkaEvents.lastHeader(r.headers(), DeadLetters.REASON_HEADER))
                .anySatisfy(reason -> assertThat(reason).contains("expected 4 features"))
                .anySatisfy(reason -> assertThat(reason).contains("malformed JSON"));
    }

    /**
     * A backlog is forwarded in large transactions (one per poll): each transaction costs the broker several requests
     * and markers, so the forwarder's consumer settings (max.poll.records and fetch sizes) must reach its consumers.
     */
    @Test
    void aBacklogIsForwardedInTransactionsOfMoreThanTheDefaultPollSize(TestInfrastructure infra) throws Exception {
        assertThat(http.postJson("/v1/streams", ADMIN,
                "{\"name\":\"backlog\",\"inputShape\":[2],\"labels\":[\"cat\",\"dog\"],\"partitions\":1}")
                .statusCode()).isEqualTo(201);
        MessageListenerContainer forwarder = listeners.getListenerContainer("ingest-forwarder");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                infra.bootstrapServers(), "linger.ms", 5), new StringSerializer(), new ByteArraySerializer())) {
            // The first record makes the forwarder's consumers subscribe to the new topic before they pause.
            producer.send(new ProducerRecord<>(Topics.ingest("backlog"), "{\"id\":\"b-first\",\"features\":[1,2]}"
                    .getBytes(StandardCharsets.UTF_8))).get();
            assertThat(TestTopics.read(infra.bootstrapServers(), Topics.samples("backlog"), 1)).hasSize(1);
            forwarder.pause();
            await().atMost(java.time.Duration.ofSeconds(30)).until(forwarder::isContainerPaused);
            for (int i = 0; i < 3000; i++) {
                producer.send(new ProducerRecord<>(Topics.ingest("backlog"), ("{\"id\":\"b-" + i
                        + "\",\"features\":[" + i + ",1],\"label\":\"cat\"}").getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        } finally {
            forwarder.resume();
        }
        assertThat(TestTopics.read(infra.bootstrapServers(), Topics.samples("backlog"), 3001)).hasSize(3001);
        assertThat(meters.get("perennial.ingest.forwarder.transaction.records").summary().max())
                .isGreaterThan(500);
        // The forwarder's own consumer factory keeps Spring Boot's Kafka client metrics: one of its consumers
        // reports the backlog it consumed.
        assertThat(meters.find("kafka.consumer.fetch.manager.records.consumed.total").functionCounters())
                .anySatisfy(consumed -> assertThat(consumed.count()).isGreaterThanOrEqualTo(3000));
    }
}
