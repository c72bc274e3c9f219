package io.perennial.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.perennial.contracts.Topics;
import io.perennial.testing.PerennialIntegrationTest;
import io.perennial.testing.TestHttp;
import io.perennial.testing.TestInfrastructure;
import io.perennial.testing.TestTopics;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Nothing acknowledged is ever lost: the broker is stopped in the middle of a load and restarted. Every record
 * answered 202 must be in the samples topic exactly once, and every request not answered 202 must account for each
 * of its records as accepted, rejected or failed.
 */
@PerennialIntegrationTest(properties = {"spring.config.name=ingest-service",
        "perennial.security.bootstrap-admin-password=ingest-admin-password", "perennial.ingest.ack-timeout=45s",
        "perennial.ingest.delivery-timeout=6s"})
class IngestDurabilityIT {

    private static final String ADMIN = TestHttp.basic("admin", "ingest-admin-password");
    private static final int BATCH = 200;
    private static final Pattern COUNT = Pattern.compile("\"(accepted|rejected|failed)\":(\\d+)");

    @LocalServerPort
    int port;

    @Test
    void recordsAnsweredAcceptedSurviveABrokerRestartExactlyOnce(TestInfrastructure infra) throws Exception {
        TestHttp http = new TestHttp(port);
        assertThat(http.postJson("/v1/streams", ADMIN,
                "{\"name\":\"durable\",\"inputShape\":[4],\"labels\":[\"a\",\"b\"],\"partitions\":3}").statusCode())
                .isEqualTo(201);

        CompletableFuture<Void> outage = CompletableFuture.runAsync(() -> {
            sleep(1500);
            infra.broker().stop();
            sleep(12_000); // longer than the delivery timeout: some requests must fail and say so
            infra.broker().start();
        });

        List<String> acknowledged = new ArrayList<>();
        int notAccepted = 0;
        long end = System.nanoTime() + 20_000_000_000L;
        for (int batch = 0; System.nanoTime() < end || !outage.isDone(); batch++) {
            StringBuilder body = new StringBuilder();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < BATCH; i++) {
                String id = "b" + batch + "-" + i;
                ids.add(id);
                body.append("{\"id\":\"").append(id).append("\",\"features\":[").append(batch).append(",").append(i)
                        .append(",0.5,-1]}\n");
            }
            HttpResponse<String> response = http.send("POST", "/v1/streams/durable/samples", ADMIN,
                    "application/x-ndjson", body.toString());
            if (response.statusCode() == 202) {
                assertThat(counts(response.body())).containsEntry("accepted", BATCH);
                acknowledged.addAll(ids);
            } else {
                notAccepted++;
                assertThat(response.statusCode()).as(response.body()).isIn(429, 503);
                Map<String, Integer> counts = counts(response.body());
                if (!counts.isEmpty()) {
                    assertThat(counts.get("accepted") + counts.get("rejected") + counts.get("failed"))
                            .as("every record is accounted for").isEqualTo(BATCH);
                    assertThat(counts.get("failed")).isPositive();
                }
            }
        }
        outage.get();

        List<ConsumerRecord<String, byte[]>> written = TestTopics.read(infra.bootstrapServers(),
                Topics.samples("durable"), acknowledged.size());
        Map<String, Integer> occurrences = new HashMap<>();
        written.forEach(r -> occurrences.merge(r.key(), 1, Integer::sum));
        assertThat(acknowledged).as("some batches went through before and after the outage").hasSizeGreaterThan(BATCH);
        for (String id : acknowledged) {
            assertThat(occurrences.get(id)).as("record %s answered 202", id).isEqualTo(1);
        }
        assertThat(occurrences.values()).as("no record written twice").containsOnly(1);
        assertThat(notAccepted).as("requests during the outage were refused, not silently lost").isPositive();
        System.out.printf("durability: %d records acknowledged, %d requests not accepted during the outage%n",
                acknowledged.size(), notAccepted);
    }

    private static Map<String, Integer> counts(String body) {
        Map<String, Integer> counts = new HashMap<>();
        Matcher m = COUNT.matcher(body);
        while (m.find()) {
            counts.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        return counts;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
