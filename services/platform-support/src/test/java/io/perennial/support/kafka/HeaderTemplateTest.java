package io.perennial.support.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.perennial.contracts.cloudevents.CloudEventAttributes;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;

class HeaderTemplateTest {

    @Test
    void templateHeadersEqualTheHeadersOfTheSameAttributes() {
        URI source = URI.create("/perennial/ingest-service");
        Instant time = Instant.parse("2026-11-22T17:00:00.123456Z");
        for (String subject : new String[] {"digits", null}) {
            CloudEventAttributes attributes = new CloudEventAttributes("s-1", source, "io.perennial.sample", time,
                    subject);
            Headers templated = KafkaEvents.template(source, "io.perennial.sample", subject).headers("s-1", time);

            List<Header> expected = KafkaEvents.headers(attributes);
            assertThat(templated.toArray()).containsExactlyElementsOf(expected);
            assertThat(CloudEventAttributes.fromHeaders(name -> KafkaEvents.lastHeader(templated, name)))
                    .isEqualTo(attributes);
        }
    }
}
