package io.perennial.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.perennial.client.PerennialClient;
import io.perennial.client.PerennialClientException;
import io.perennial.client.SampleInput;
import io.perennial.client.SendReport;
import io.perennial.contracts.Topics;
import io.perennial.testing.PerennialIntegrationTest;
import io.perennial.testing.TestInfrastructure;
import io.perennial.testing.TestTopics;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The Java client against a real ingest-service that rate-limits it: every sample ends up written exactly once. */
@PerennialIntegrationTest(properties = {"spring.config.name=ingest-service",
        "perennial.security.bootstrap-admin-password=ingest-admin-password",
        "perennial.ingest.rate-limit-records-per-second=500", "perennial.ingest.rate-limit-burst=1000"})
class JavaClientIT {

    @LocalServerPort
    int port;

    @Test
    void clientBatchesRetriesRateLimitsAndReportsInvalidSamplesByPosition(TestInfrastructure infra) {
        PerennialClient client = PerennialClient.builder(URI.create("http://127.0.0.1:" + port))
                .basic("admin", "ingest-admin-password").batchSize(1000).build();
        client.createStream(Map.of("name", "client", "inputShape", List.of(2), "labels", List.of("x", "y")));
        assertThat(client.streamExists("client")).isTrue();
        assertThat(client.streamExists("other")).isFalse();

        List<SampleInput> samples = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            samples.add(SampleInput.labelled(new float[] {i, -i}, i % 2 == 0 ? "x" : "y"));
        }
        samples.set(1234, SampleInput.labelled(new float[] {1, 2, 3}, "x"));
        SendReport report = client.send("client", samples);

        assertThat(report.accepted()).isEqualTo(2999);
        assertThat(report.failed()).isZero();
        assertThat(report.rejected()).singleElement().satisfies(r -> {
            assertThat(r.index()).isEqualTo(1234);
            assertThat(r.field()).isEqualTo("features");
        });
        assertThat(report.attempts()).as("the rate limit forced at least one retry").isGreaterThan(3);

        List<ConsumerRecord<String, byte[]>> written = TestTopics.read(infra.bootstrapServers(),
                Topics.samples("client"), 2999);
        Map<String, Integer> counts = new HashMap<>();
        written.forEach(r -> counts.merge(r.key(), 1, Integer::sum));
        assertThat(counts).hasSize(2999);
        assertThat(counts.values()).containsOnly(1);

        assertThatThrownBy(() -> client.send("missing", List.of(SampleInput.of(new float[] {1, 2}))))
                .isInstanceOf(PerennialClientException.class).hasMessageContaining("404");
    }
}
