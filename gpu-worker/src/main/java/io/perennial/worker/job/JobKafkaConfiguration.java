package io.perennial.worker.job;

import io.perennial.contracts.events.EventCodec;
import io.perennial.worker.WorkerProperties;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Kafka clients of the job runner: group-less window readers. */
@Configuration(proxyBeanMethods = false)
class JobKafkaConfiguration {

    @Bean
    TrainingWindowReader trainingWindowReader(KafkaProperties kafka, EventCodec codec, WorkerProperties properties) {
        return new TrainingWindowReader(() -> {
            Map<String, Object> config = kafka.buildConsumerProperties();
            config.remove(ConsumerConfig.GROUP_ID_CONFIG);
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
            return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        }, codec, properties.getWindowReadTimeout());
    }
}
