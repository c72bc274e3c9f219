package io.perennial.drift.reference;

import io.perennial.contracts.events.EventCodec;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The group-less Kafka reader of promoted segments. */
@Configuration(proxyBeanMethods = false)
class ReferenceConfiguration {

    @Bean
    SegmentReader segmentReader(KafkaProperties kafka, EventCodec codec) {
        return new SegmentReader(() -> {
            Map<String, Object> config = kafka.buildConsumerProperties();
            config.remove(ConsumerConfig.GROUP_ID_CONFIG);
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            config.put(ConsumerConfig.CLIENT_ID_CONFIG, "drift-reference-reader");
            return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        }, codec);
    }
}
