package io.perennial.support.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.perennial.contracts.Topics;
import io.perennial.contracts.cloudevents.CloudEventAttributes;
import io.perennial.support.kafka.DeadLetters;
import io.perennial.support.kafka.KafkaEvents;
import io.perennial.support.outbox.OutboxRelay;
import io.perennial.support.security.ApiKeyService;
import io.perennial.support.security.Role;
import io.perennial.testing.PerennialIntegrationTest;
import io.perennial.testing.TestInfrastructure;
import io.perennial.testing.TestHttp;
import io.perennial.testing.TestTopics;
import static io.perennial.testing.TestHttp.assertProblem;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

@PerennialIntegrationTest(properties = "spring.config.name=support-test")
class PlatformSupportIT {

    private static final String ADMIN = TestHttp.basic("admin", "test-admin-password-1");

    @LocalServerPort
    int port;

    @Autowired
    ApiKeyService apiKeys;

    @Autowired
    OutboxRelay relay;

    @Autowired
    SupportTestApplication.StreamListener listener;


    private TestHttp http() {
        return new TestHttp(port);
    }

    @Test
    void everyErrorIsAProblemDocument() {
        assertProblem(http().send("GET", "/v1/nope", ADMIN, null, null), 404);
        assertProblem(http().send("DELETE", "/v1/widgets", ADMIN, null, null), 405);
        assertProblem(http().send("POST", "/v1/widgets", ADMIN, "text/plain", "name=x"), 415);
        HttpResponse<String> malformed = http().send("POST", "/v1/widgets", ADMIN, "application/json", "{\"name\": ");
        assertProblem(malformed, 400);
        assertThat(malformed.body()).contains("not valid JSON").doesNotContain("Exception").doesNotContain("at [Source");
        HttpResponse<String> invalid = http().send("POST", "/v1/widgets", ADMIN, "application/json", "{\"name\": \"\"}");
        assertProblem(invalid, 400);
        assertThat(invalid.body()).contains("\"field\":\"name\"");
        assertProblem(http().send("POST", "/v1/widgets", ADMIN, "application/json",
                "{\"name\": \"" + "x".repeat(4000) + "\"}"), 413);
        assertProblem(http().postChunked("/v1/widgets", ADMIN, "application/json", "{\"name\": \"" + "y".repeat(4000) + "\"}"), 413);
    }

    @Test
    void credentialsAreRequiredAndScopesEnforced() {
        HttpResponse<String> anonymous = http().send("GET", "/v1/widgets", null, null, null);
        assertProblem(anonymous, 401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> v.contains("Bearer"));
        assertProblem(http().send("GET", "/v1/widgets", TestHttp.basic("admin", "wrong-password-123"), null, null), 401);
        assertProblem(http().send("GET", "/v1/widgets", "Bearer pnl_aaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", null, null),
                401);
        assertProblem(http().send("GET", "/v1/widgets", "Bearer not-a-key", null, null), 401);
        assertThat(http().send("GET", "/actuator/health", null, null, null).statusCode()).isEqualTo(200);
        assertProblem(http().send("GET", "/v3/api-docs", null, null, null), 401);

        String streamA = "Bearer " + apiKeys.issue("writer-a", null, List.of("samples:write:a"), null, "test").secret();
        assertThat(http().send("POST", "/v1/streams/a/things", streamA, null, null).statusCode()).isEqualTo(200);
        assertProblem(http().send("POST", "/v1/streams/b/things", streamA, null, null), 403);
        assertProblem(http().send("GET", "/v1/widgets", streamA, null, null), 403);

        String viewer = "Bearer " + apiKeys.issue("dash", Role.VIEWER, List.of(), null, "test").secret();
        assertThat(http().send("GET", "/v1/widgets", viewer, null, null).statusCode()).isEqualTo(200);
        assertProblem(http().send("POST", "/v1/widgets", viewer, "application/json", "{\"name\":\"v\"}"), 403);

        var revocable = apiKeys.issue("temp", Role.OPERATOR, List.of(), null, "test");
        apiKeys.revoke(revocable.key().prefix(), "test");
        assertProblem(http().send("GET", "/v1/widgets", "Bearer " + revocable.secret(), null, null), 401);

        assertThat(http().send("GET", "/v1/widgets", "Bearer test-service-token-value", null, null).statusCode())
                .isEqualTo(200);
        HttpResponse<String> docs = http().send("GET", "/v3/api-docs", viewer, null, null);
        assertThat(docs.statusCode()).isEqualTo(200);
        assertThat(docs.body()).contains("/v1/widgets").contains("bearer");
    }

    @Test
    void iamApiIssuesKeysOnceAndStoresOnlyHashes() {
        HttpResponse<String> issued = http().send("POST", "/v1/iam/api-keys", ADMIN, "application/json",
                "{\"name\":\"ci\",\"role\":\"operator\",\"scopes\":[\"samples:write:x\"]}");
        assertThat(issued.statusCode()).isEqualTo(201);
        String key = issued.body().replaceAll(".*\"key\":\"(pnl_[a-z2-7_]+)\".*", "$1");
        assertThat(key).startsWith("pnl_");
        assertThat(http().send("GET", "/v1/widgets", "Bearer " + key, null, null).statusCode()).isEqualTo(200);
        assertThat(http().send("GET", "/v1/iam/api-keys", ADMIN, null, null).body()).doesNotContain(key.substring(16));
        assertProblem(http().send("POST", "/v1/iam/api-keys", ADMIN, "application/json", "{\"name\":\"x\",\"role\":\"root\"}"),
                400);
        assertProblem(http().send("GET", "/v1/iam/api-keys", "Bearer " + key, null, null), 403);
    }

    @Test
    void outboxSurvivesABrokerOutageAndPublishesEachEventOnce(TestInfrastructure infra) {
        assertThat(http().send("POST", "/v1/widgets", ADMIN, "application/json", "{\"name\":\"before\"}").statusCode())
                .isEqualTo(201);
        await().atMost(Duration.ofSeconds(30)).until(() -> listener.processed().contains("before"));

        infra.broker().stop();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            names.add("during-" + i);
            assertThat(http().send("POST", "/v1/widgets", ADMIN, "application/json", "{\"name\":\"during-" + i + "\"}")
                    .statusCode()).isEqualTo(201);
        }
        assertThat(relay.pending()).isEqualTo(5);
        infra.broker().start();

        await().atMost(Duration.ofSeconds(60)).until(() -> relay.pending() == 0);
        await().atMost(Duration.ofSeconds(60)).until(() -> listener.processed().containsAll(names));

        Map<String, Integer> idCounts = new java.util.HashMap<>();
        List<String> streams = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : TestTopics.read(infra.bootstrapServers(), Topics.STREAMS, 8)) {
            if (!r.key().equals("before") && !r.key().startsWith("during-")) {
                continue; // other tests write to the same topic
            }
            idCounts.merge(KafkaEvents.lastHeader(r.headers(), CloudEventAttributes.HEADER_ID), 1, Integer::sum);
            streams.add(r.key());
            assertThat(KafkaEvents.lastHeader(r.headers(), "ce_source")).isEqualTo("/perennial/support-test");
            assertThat(KafkaEvents.lastHeader(r.headers(), "ce_type")).isEqualTo("io.perennial.stream.created");
        }
        assertThat(idCounts.values()).containsOnly(1);
        assertThat(streams).containsExactlyInAnyOrder("before", "during-0", "during-1", "during-2", "during-3", "during-4");
        assertThat(listener.processed()).doesNotHaveDuplicates();
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicWithAReason(TestInfrastructure infra) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                infra.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.STREAMS, "garbage", "not an event".getBytes())).get();
        }
        assertThat(http().send("POST", "/v1/widgets", ADMIN, "application/json", "{\"name\":\"poison\"}").statusCode())
                .isEqualTo(201);

        List<ConsumerRecord<String, byte[]>> dead = TestTopics.read(infra.bootstrapServers(), Topics.DLQ, 2);
        assertThat(dead).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("garbage", "poison");
        for (ConsumerRecord<String, byte[]> r : dead) {
            assertThat(KafkaEvents.lastHeader(r.headers(), DeadLetters.SERVICE_HEADER)).isEqualTo("support-test");
            assertThat(KafkaEvents.lastHeader(r.headers(), DeadLetters.SOURCE_TOPIC_HEADER)).isEqualTo(Topics.STREAMS);
        }
        assertThat(dead).anySatisfy(r -> assertThat(KafkaEvents.lastHeader(r.headers(), DeadLetters.REASON_HEADER))
                .contains("poison stream cannot be handled"));
        assertThat(dead).anySatisfy(r -> assertThat(KafkaEvents.lastHeader(r.headers(), DeadLetters.REASON_HEADER))
                .contains("ce_specversion"));
    }

}
