package io.perennial.ingest;

import static io.perennial.testing.TestHttp.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.perennial.contracts.Topics;
import io.perennial.contracts.events.Event;
import io.perennial.contracts.events.EventTypes;
import io.perennial.support.kafka.KafkaEvents;
import io.perennial.support.security.ApiKeyService;
import io.perennial.support.security.Role;
import io.perennial.testing.PerennialIntegrationTest;
import io.perennial.testing.TestHttp;
import io.perennial.testing.TestInfrastructure;
import io.perennial.testing.TestTopics;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

@PerennialIntegrationTest(properties = {"spring.config.name=ingest-service",
        "perennial.security.bootstrap-admin-password=ingest-admin-password"})
class StreamRegistrationIT {

    private static final String ADMIN = TestHttp.basic("admin", "ingest-admin-password");
    private static final String DIGITS = """
            {"name":"digits","inputShape":[1,8,8],"labels":["0","1","2"],"partitions":2,"retention":"PT2H"}""";

    @LocalServerPort
    int port;

    @Autowired
    ApiKeyService apiKeys;

    @Autowired
    KafkaEvents events;

    @Test
    void registeringAStreamCreatesItsTopicsAndAnnouncesIt(TestInfrastructure infra) throws Exception {
        TestHttp http = new TestHttp(port);
        HttpResponse<String> created = http.postJson("/v1/streams", ADMIN, DIGITS);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location")).hasValue("/v1/streams/digits");
        assertThat(created.body()).contains("\"samplesTopic\":\"perennial.samples.digits\"").contains("\"cnn\"");

        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.bootstrapServers()))) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .contains("perennial.samples.digits", "perennial.ingest.digits");
            assertThat(admin.describeTopics(List.of("perennial.samples.digits")).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get("perennial.samples.digits").partitions()).hasSize(2);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "perennial.samples.digits");
            Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            assertThat(config.get("retention.ms").value()).isEqualTo(String.valueOf(2 * 3600 * 1000));
        }

        List<ConsumerRecord<String, byte[]>> records = TestTopics.read(infra.bootstrapServers(), Topics.STREAMS, 1)
                .stream().filter(r -> r.key().equals("digits")).toList();
        assertThat(records).hasSize(1);
        Event<?> event = events.decode(records.get(0));
        assertThat(event.attributes().source().toString()).isEqualTo("/perennial/ingest-service");
        assertThat(event.dataAs(EventTypes.STREAM_CREATED).stream().inputShape()).containsExactly(1, 8, 8);
        assertThat(event.dataAs(EventTypes.STREAM_CREATED).stream().retentionMs()).isEqualTo(7_200_000L);

        assertThat(http.get("/v1/streams", ADMIN).body()).contains("\"name\":\"digits\"").contains("\"total\":");
        assertThat(http.get("/v1/streams/digits", ADMIN).statusCode()).isEqualTo(200);
        assertProblem(http.postJson("/v1/streams", ADMIN, DIGITS), 409);
        assertProblem(http.get("/v1/streams/missing", ADMIN), 404);
    }

    @Test
    void invalidDefinitionsAreRejectedWithTheOffendingField() {
        TestHttp http = new TestHttp(port);
        HttpResponse<String> path = http.postJson("/v1/streams", ADMIN,
                "{\"name\":\"../etc\",\"inputShape\":[2],\"labels\":[\"a\",\"b\"]}");
        assertProblem(path, 400);
        assertThat(path.body()).contains("\"field\":\"name\"");
        assertProblem(http.postJson("/v1/streams", ADMIN, "{\"name\":\"x\",\"inputShape\":[],\"labels\":[\"a\",\"b\"]}"),
                400);
        assertProblem(http.postJson("/v1/streams", ADMIN, "{\"name\":\"x\",\"inputShape\":[2],\"labels\":[\"a\",\"a\"]}"),
                400);
        assertProblem(http.postJson("/v1/streams", ADMIN,
                "{\"name\":\"x\",\"inputShape\":[2],\"labels\":[\"a\",\"b\"],\"retention\":\"PT1S\"}"), 400);
        assertProblem(http.postJson("/v1/streams", ADMIN,
                "{\"name\":\"x\",\"inputShape\":[1000,1000,10],\"labels\":[\"a\",\"b\"]}"), 400);
        assertProblem(http.postJson("/v1/streams", ADMIN, "{\"name\":\"x\",\"inputShape\":\"wide\"}"), 400);
        // The model family must be a valid spec that fits the samples and the labels.
        HttpResponse<String> family = http.postJson("/v1/streams", ADMIN, "{\"name\":\"x\",\"inputShape\":[4],"
                + "\"labels\":[\"a\",\"b\"],\"modelFamily\":{\"family\":\"mlp\",\"input_dim\":5,\"hidden\":[8],"
                + "\"classes\":2}}");
        assertProblem(family, 400);
        assertThat(family.body()).contains("\"field\":\"modelFamily\"").contains("5 inputs");
        assertProblem(http.postJson("/v1/streams", ADMIN, "{\"name\":\"x\",\"inputShape\":[4],"
                + "\"labels\":[\"a\",\"b\"],\"modelFamily\":{\"family\":\"transformer\"}}"), 400);
        // Without one, the default is written in the canonical form every service reads.
        HttpResponse<String> defaulted = http.postJson("/v1/streams", ADMIN,
                "{\"name\":\"fam\",\"inputShape\":[4],\"labels\":[\"a\",\"b\"]}");
        assertThat(defaulted.statusCode()).isEqualTo(201);
        assertThat(defaulted.body()).contains("\"input_dim\":4").contains("\"family\":\"mlp\"");
    }

    @Test
    void onlyOperatorsOrStreamAdminKeysMayRegister() {
        TestHttp http = new TestHttp(port);
        String body = "{\"name\":\"keyed\",\"inputShape\":[4],\"labels\":[\"a\",\"b\"]}";
        assertProblem(http.postJson("/v1/streams", null, body), 401);
        String viewer = TestHttp.bearer(apiKeys.issue("viewer", Role.VIEWER, List.of(), null, "t").secret());
        assertProblem(http.postJson("/v1/streams", viewer, body), 403);
        assertThat(http.get("/v1/streams", viewer).statusCode()).isEqualTo(200);
        String admin = TestHttp.bearer(apiKeys.issue("admin-key", null, List.of("streams:admin"), null, "t").secret());
        assertThat(http.postJson("/v1/streams", admin, body).statusCode()).isEqualTo(201);
    }
}
