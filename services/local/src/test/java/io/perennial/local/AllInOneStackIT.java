package io.perennial.local;

import static io.perennial.testing.TestHttp.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.perennial.embedded.FreePorts;
import io.perennial.testing.TestHttp;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole platform in one JVM, started the way {@code ./perennial up} starts it: a stream registered through
 * ingest reaches drift, trainer, registry and, through the registry's own event, the gpu-worker. A restart keeps
 * the data and does not create a second admin password.
 */
class AllInOneStackIT {

    @TempDir
    Path home;

    @Test
    void streamRegisteredAtIngestReachesEveryServiceAndSurvivesARestart() {
        StackConfig config = StackConfig.fromEnvironment(freePorts(home));
        String admin;
        try (Stack stack = new Stack(config)) {
            Stack.Started started = stack.start();
            assertThat(started.adminPassword()).hasSize(20);
            assertThat(started.startup()).isPositive();
            assertThat(started.rssBytes()).isPositive();
            admin = TestHttp.basic("admin", started.adminPassword());

            TestHttp ingest = http(config, "ingest-service");
            HttpResponse<String> created = ingest.postJson("/v1/streams", admin,
                    "{\"name\":\"loop\",\"inputShape\":[3],\"labels\":[\"a\",\"b\"]}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(http(config, "drift-service").get("/v1/drift/streams", admin).body()).contains("\"loop\"");
                assertThat(http(config, "trainer-service").get("/v1/policies/loop", admin).statusCode()).isEqualTo(200);
                assertThat(http(config, "registry-service").get("/v1/models/loop", admin).statusCode()).isEqualTo(200);
                assertThat(http(config, "gpu-worker").get("/v1/serving/models", admin).body()).contains("\"loop\"");
            });

            for (String service : config.servicePorts().keySet()) {
                TestHttp http = http(config, service);
                assertThat(http.get("/actuator/health", null).statusCode()).as(service).isEqualTo(200);
                assertProblem(http.get("/v3/api-docs", null), 401);
                assertThat(http.get("/v3/api-docs", admin).statusCode()).as(service).isEqualTo(200);
                assertThat(http.get("/actuator/prometheus", TestHttp.bearer(started.serviceToken())).body())
                        .as(service).contains("jvm_memory_used_bytes");
            }
            HttpResponse<String> page = http(config, "console").get("/", null);
            assertThat(page.statusCode()).isEqualTo(302);
            assertThat(page.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
        }

        try (Stack stack = new Stack(config)) {
            Stack.Started again = stack.start();
            assertThat(again.adminPassword()).as("no second admin password").isNull();
            assertThat(http(config, "ingest-service").get("/v1/streams/loop", admin).statusCode()).isEqualTo(200);
            assertThat(http(config, "registry-service").get("/v1/models/loop", admin).statusCode()).isEqualTo(200);
        }
    }

    static Map<String, String> freePorts(Path home) {
        return StackConfig.freePortsEnvironment(home);
    }

    private static TestHttp http(StackConfig config, String service) {
        return new TestHttp(config.servicePorts().get(service));
    }
}
