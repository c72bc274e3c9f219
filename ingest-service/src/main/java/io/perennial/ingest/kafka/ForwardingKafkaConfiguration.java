package io.perennial.ingest.kafka;

import io.perennial.ingest.IngestProperties;
import io.perennial.support.kafka.DeadLetters;
import io.perennial.support.service.ServiceProperties;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.kafka.transaction.KafkaTransactionManager;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The transactional producer and listener container of the Kafka ingest path. They are deliberately not exposed as
 * {@code KafkaTemplate}/{@code ProducerFactory} beans: those would replace the platform's non-transactional
 * producer that the outbox uses.
 */
@Configuration(proxyBeanMethods = false)
class ForwardingKafkaConfiguration {

    /** The transactional template the forwarder writes with; its sends join the container's transaction. */
    record ForwardingKafka(KafkaTemplate<String, byte[]> template, KafkaTransactionManager<String, byte[]> transactions,
            DefaultKafkaProducerFactory<String, byte[]> producerFactory) implements AutoCloseable {
        @Override
        public void close() {
            producerFactory.destroy();
        }
    }

    @Bean(destroyMethod = "close")
    ForwardingKafka forwardingKafka(KafkaProperties kafka, ServiceProperties service, IngestProperties properties) {
        Map<String, Object> config = kafka.buildProducerProperties();
        config.put("client.id", service.getName() + "-forwarder");
        // Large batches: a transaction forwards a whole poll, so its writes leave in a few requests, not hundreds.
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, properties.getCompression());
        // Under transactions v2 the broker verifies a partition's first write of a transaction asynchronously and
        // rejects pipelined writes that overtake it (OutOfOrderSequenceException, retried after a back-off:
        // KAFKA-18202). One request in flight avoids the rejections; the large batches keep the pipe full anyway.
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        DefaultKafkaProducerFactory<String, byte[]> factory = new DefaultKafkaProducerFactory<>(config,
                new StringSerializer(), new ByteArraySerializer());
        // Unique per instance: with the consumer-group-aware protocol (KIP-447) fencing does not need stable ids.
        factory.setTransactionIdPrefix(service.getName() + "-forwarder-" + UUID.randomUUID() + "-");
        return new ForwardingKafka(new KafkaTemplate<>(factory), new KafkaTransactionManager<>(factory), factory);
    }

    @Bean
    ConcurrentKafkaListenerContainerFactory<String, byte[]> ingestForwardingContainerFactory(
            ConsumerFactory<String, byte[]> consumers, ForwardingKafka forwarding, ServiceProperties service,
            IngestProperties properties) {
        ConcurrentKafkaListenerContainerFactory<String, byte[]> factory = new ConcurrentKafkaListenerContainerFactory<>();
        // Each poll is one transaction (two round trips and a commit marker per partition): poll many records at
        // once, and wait briefly for a fuller fetch, so that cost is shared by thousands of records, not dozens.
        // These go into a consumer factory of its own: consumer properties set on a container factory's
        // ContainerProperties are not copied to the containers it creates (only a listener's own properties are).
        Map<String, Object> config = new HashMap<>(consumers.getConfigurationProperties());
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, properties.getForwarderMaxPollRecords());
        config.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 256 * 1024);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        DefaultKafkaConsumerFactory<String, byte[]> forwarderConsumers = new DefaultKafkaConsumerFactory<>(config,
                consumers.getKeyDeserializer(), consumers.getValueDeserializer());
        // Keep what Spring Boot attached to its factory (the Micrometer listener that publishes client metrics).
        consumers.getListeners().forEach(forwarderConsumers::addListener);
        consumers.getPostProcessors().forEach(forwarderConsumers::addPostProcessor);
        factory.setConsumerFactory(forwarderConsumers);
        factory.setBatchListener(true);
        factory.setConcurrency(properties.getForwarderConcurrency());
        factory.getContainerProperties().setKafkaAwareTransactionManager(forwarding.transactions());
        // A batch whose transaction fails (the broker rejects or times out the writes) is rolled back and redelivered
        // with back-off; invalid records never fail a batch, they are dead-lettered inside it.
        DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(forwarding.template(),
                (record, ex) -> new TopicPartition(io.perennial.contracts.Topics.DLQ, -1));
        recoverer.setHeadersFunction((record, ex) -> DeadLetters.headers(record.topic(), service.getName(),
                "forwarding failed: " + ex.getMessage()));
        ExponentialBackOff backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxInterval(10_000);
        backOff.setMaxAttempts(10);
        DefaultAfterRollbackProcessor<String, byte[]> rollback = new DefaultAfterRollbackProcessor<>(recoverer,
                backOff, forwarding.template(), true);
        factory.setAfterRollbackProcessor(rollback);
        return factory;
    }
}
